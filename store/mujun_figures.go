package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"math"

	"fugong/mujun"
)

// A year's figures are kept in their columns, which everything else
// reads, and packed in one more (fig), which evaluation reads: a
// million rows' scan costs per column, and one blob is a fifth of the
// thirteen columns. fig is the firm's USCC (a length byte and its bytes:
// the row's key, so the scan needs no other column), the ten figures as
// 8-byte floats (the emission figure 0 when missing), a flag byte (1: has
// an emission figure, 2: utility) and the start year as a uvarint.

const figSize = 10*8 + 1

func packFigures(buf []byte, d *mujun.AnnualData) []byte {
	buf = append(buf, byte(len(d.USCC)))
	buf = append(buf, d.USCC...)
	var em float64
	var flags byte
	if d.EmissionsT != nil {
		em, flags = *d.EmissionsT, 1
	}
	if d.Utility {
		flags |= 2
	}
	for _, v := range [...]float64{d.LandMu, d.TaxWan, d.ValueAddedWan, d.RevenueWan, d.EnergyTce, em, d.RDWan, d.Staff,
		d.ElectricityKWh, d.WaterT} {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
	}
	buf = append(buf, flags)
	return binary.AppendUvarint(buf, uint64(d.StartYear))
}

var errFigures = errors.New("store: a year's packed figures are missing or cut short (store.Migrate packs them)")

// unpackFigures fills d from fig but for the USCC, which it returns; the
// emission figure, when there is one, goes into block (shared blocks
// rather than one allocation each).
func unpackFigures(b []byte, d *mujun.AnnualData, block *[]float64) (uscc []byte, err error) {
	if len(b) == 0 || len(b) < 1+int(b[0])+figSize+1 {
		return nil, errFigures
	}
	uscc, b = b[1:1+b[0]], b[1+b[0]:]
	f := func(i int) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])) }
	d.LandMu, d.TaxWan, d.ValueAddedWan, d.RevenueWan, d.EnergyTce = f(0), f(1), f(2), f(3), f(4)
	d.RDWan, d.Staff, d.ElectricityKWh, d.WaterT = f(6), f(7), f(8), f(9)
	flags := b[80]
	d.EmissionsT = nil
	if flags&1 != 0 {
		if len(*block) == cap(*block) {
			*block = make([]float64, 0, 4096)
		}
		*block = append(*block, f(5))
		d.EmissionsT = &(*block)[len(*block)-1]
	}
	d.Utility = flags&2 != 0
	y, n := binary.Uvarint(b[figSize:])
	if n <= 0 {
		return nil, errFigures
	}
	d.StartYear = int(y)
	return uscc, nil
}

// packFigures packs the figures of rows stored before fig was: once, after
// the migration that added it, a few thousand rows a transaction.
func (db *DB) packFigures(ctx context.Context) error {
	for {
		rows, err := db.r.QueryContext(ctx, `SELECT year, uscc, `+annualCols+` FROM mujun_annual_data WHERE fig IS NULL LIMIT 5000`)
		if err != nil {
			return err
		}
		var batch []mujun.AnnualData
		for rows.Next() {
			var d mujun.AnnualData
			var em sql.NullFloat64
			if err := rows.Scan(append([]any{&d.Year, &d.USCC}, annualDest(&d, &em)...)...); err != nil {
				rows.Close()
				return err
			}
			d.EmissionsT = emissions(em)
			batch = append(batch, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(batch) == 0 {
			return err
		}
		if err := db.write(ctx, func(tx *Tx) error {
			for i := range batch {
				d := &batch[i]
				if _, err := tx.ExecContext(ctx, `UPDATE mujun_annual_data SET fig = $1 WHERE year = $2 AND uscc = $3`,
					packFigures(nil, d), d.Year, d.USCC); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
}
