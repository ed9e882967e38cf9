package store_test

import (
	"bytes"
	"context"
	"testing"

	"fugong"
	"fugong/files"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

func TestFilesKeptAndScoped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tangxia := ent(t, "MA3000001", "塘下镇", "瑞安市甲防护用品有限公司")
		xianjiang := ent(t, "MA3000002", "330381010", "瑞安市乙汽配有限公司")
		for _, e := range []registry.Enterprise{tangxia, xianjiang} {
			if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
				t.Fatal(err)
			}
		}
		photo := files.Upload{Name: "车间.jpg", Data: append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{7}, 5000)...)}
		f, err := db.PutFile(ctx, fugong.System, tangxia.USCC, photo, files.JPEG)
		if err != nil {
			t.Fatal(err)
		}
		if f.ID == 0 || f.Size != 5004 || len(f.SHA256) != 64 || f.Enterprise != tangxia.USCC {
			t.Fatalf("stored %+v", f)
		}
		none, err := db.PutFile(ctx, fugong.System, "", photo, files.JPEG)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutFile(ctx, fugong.System, uscc(t, "MA3000099"), photo, files.JPEG); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("file of an unknown enterprise: %v", err)
		}

		bureau := fugong.Actor{Username: "b", Role: fugong.RoleBureau, Group: fugong.GroupInspection}
		got, data, err := db.File(ctx, bureau, f.ID)
		if err != nil || !bytes.Equal(data, photo.Data) || got.Name != "车间.jpg" || got.ContentType != files.JPEG {
			t.Fatalf("read back %+v, %d bytes, %v", got, len(data), err)
		}
		for _, c := range []struct {
			who  fugong.Actor
			id   int64
			sees bool
		}{
			{fugong.Actor{Role: fugong.RoleTown, Town: "330381101"}, f.ID, true},
			{fugong.Actor{Role: fugong.RoleTown, Town: "330381010"}, f.ID, false},
			{fugong.Actor{Role: fugong.RoleEnterprise, Enterprise: tangxia.USCC}, f.ID, true},
			{fugong.Actor{Role: fugong.RoleEnterprise, Enterprise: xianjiang.USCC}, f.ID, false},
			{fugong.Actor{Role: fugong.RoleCheckpoint, Town: "330381101"}, f.ID, false},
			{fugong.Actor{Role: fugong.RoleCadre, UserID: 9999}, f.ID, false},
			{bureau, none.ID, true},
			{fugong.Actor{Role: fugong.RoleTown, Town: "330381101"}, none.ID, false},
			{bureau, f.ID + 1000, false},
		} {
			_, _, err := db.File(ctx, c.who, c.id)
			if c.sees && err != nil || !c.sees && fugong.ErrorCode(err) != fugong.ENotFound {
				t.Errorf("%+v reading file %d: %v, want seen=%v", c.who, c.id, err, c.sees)
			}
		}
	})
}
