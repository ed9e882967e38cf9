package mujun

import (
	"context"

	"fugong"
)

// Store is what the 亩均 module needs from storage. Every save is audited
// by the store and all or nothing.
type Store interface {
	// YearSettings returns a year's settings, DefaultYear(year) when the
	// bureau never set them.
	YearSettings(ctx context.Context, year int) (YearSettings, error)
	SaveYearSettings(ctx context.Context, a fugong.Actor, s YearSettings) error
	// PriceSettings returns the differentiated prices, DefaultPrices()
	// until first set.
	PriceSettings(ctx context.Context) (PriceSettings, error)
	SavePriceSettings(ctx context.Context, a fugong.Actor, p PriceSettings) error

	// SaveAnnualData stores normalized figures, each replacing the firm's
	// figures of that year.
	SaveAnnualData(ctx context.Context, a fugong.Actor, rows []AnnualData) error
	// AnnualData returns one firm's figures of a year.
	AnnualData(ctx context.Context, uscc string, year int) (AnnualData, error)
	// Firms returns the evaluation's input for a year and group: every
	// enterprise of that size class with figures for the year, with its
	// town and its class of the year before.
	Firms(ctx context.Context, year int, g Group) ([]Firm, error)

	// SaveEvaluation keeps a run, its settings and its results, and
	// returns its id.
	SaveEvaluation(ctx context.Context, a fugong.Actor, e *Evaluation) (int64, error)
	Evaluation(ctx context.Context, id int64) (*Evaluation, error)
	// Uses returns every enterprise in the actor's scope with its current
	// class and its annual use of the year, for the relief simulation.
	Uses(ctx context.Context, a fugong.Actor, year int) ([]Use, error)
}
