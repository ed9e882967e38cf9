package checkpoint

import "fugong"

// Paging of the lists.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
)

func pageOf(page, perPage int) (int, int, error) {
	switch {
	case page == 0:
		page = 1
	case page < 0:
		return 0, 0, fugong.Errorf(fugong.EInvalid, "page", "页码应为正整数")
	}
	switch {
	case perPage == 0:
		perPage = DefaultPerPage
	case perPage < 0 || perPage > MaxPerPage:
		return 0, 0, fugong.Errorf(fugong.EInvalid, "per_page", "每页条数应在 1–%d 之间", MaxPerPage)
	}
	return page, perPage, nil
}
