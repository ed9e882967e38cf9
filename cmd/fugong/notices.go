package main

import (
	"cmp"
	"context"
	"flag"
	"log/slog"
	"os"

	"fugong/cmd/fugong/wiring"
	"fugong/notice"
	"fugong/notify"
	"fugong/pdf"
)

// startNotices runs the SMS sender loop of the notices' outbox: every
// instance runs one, and the outbox hands each text to one of them. It
// sends through the gateway of the settings, or the log (phones masked)
// while none is set. stop ends the loop and waits for the texts under
// way, so the database can be closed after.
func startNotices(ctx context.Context, svc wiring.Services, logger *slog.Logger) (stop func()) {
	d := &notice.Dispatcher{Outbox: svc.DB, Settings: svc.Notices.SMSSettings, Log: notify.LogSender{Logger: logger},
		Now: svc.DB.Now, Logger: logger, Wake: svc.Notices.Wake}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Loop(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// pdfFontFlag is --pdf-font: the TrueType font of the PDFs the server
// draws (env FUGONG_PDF_FONT). A font that cannot be read is said at
// start, not at the first PDF.
func (e *env) pdfFontFlag(fs *flag.FlagSet) *string {
	return fs.String("pdf-font", cmp.Or(e.getenv("FUGONG_PDF_FONT"), pdf.DefaultFontPath),
		"TrueType font of the PDFs (the daily briefing); Debian's fonts-arphic-gbsn00lp by default (env FUGONG_PDF_FONT)")
}

// checkFont warns when the PDF font is missing: everything else works.
func checkFont(logger *slog.Logger, path string) {
	if _, err := os.Stat(path); err != nil {
		logger.Warn("the PDF font cannot be read: the daily briefing's PDF will fail until it is installed (apt-get install fonts-arphic-gbsn00lp, or --pdf-font)",
			"path", path, "err", err)
	}
}
