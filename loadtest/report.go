package loadtest

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Phase returns the phase whose name starts with prefix.
func (r *Result) Phase(prefix string) (Phase, bool) {
	for _, p := range r.Phases {
		if strings.HasPrefix(p.Name, prefix) {
			return p, true
		}
	}
	return Phase{}, false
}

// Print writes the results as tables and a closing summary line.
func (r *Result) Print(w io.Writer) {
	fmt.Fprintf(w, "\nfugong bench — %s, %s enterprises × %d days of history (%s reports), %d clients, %d instance(s)\n",
		r.Engine, thousands(r.Enterprises), r.Days, thousands(r.Reports), r.Concurrency, max(1, r.Instances))
	if r.GenEnterprises > 0 {
		fmt.Fprintf(w, "generated: enterprises in %v (%s/s), reports in %v (%s/s)\n",
			r.GenEnterprises.Round(time.Millisecond), thousands(int(float64(r.Enterprises)/r.GenEnterprises.Seconds())),
			r.GenReports.Round(time.Millisecond), thousands(int(float64(r.Reports)/max(r.GenReports.Seconds(), 1e-9))))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\trequests\tok\terrors\tper second\tp50\tp95\tp99\tmax\tCPU/request\tCPU used\t")
	for _, p := range r.Phases {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%d µs\t%.0f %%\t\n", p.Name, p.Requests, p.OK, p.Errors,
			thousands(int(p.Rate())), ms(p.P50), ms(p.P95), ms(p.P99), ms(p.Max), p.CPUPerRequest().Microseconds(),
			100*p.CPU.Seconds()/max(p.Elapsed.Seconds(), 1e-9))
	}
	tw.Flush()
	for _, p := range r.Phases {
		if p.Errors > 0 {
			fmt.Fprintf(w, "%s: answers %v; first error: %.300s\n", p.Name, p.Statuses, p.FirstError)
		}
	}
	noop, _ := r.Phase("no-op")
	sub, _ := r.Phase("submit")
	fmt.Fprintf(w, "(CPU used: of one core; this machine has %d. CPU/request counts server and clients together.)\n", runtime.NumCPU())
	if noop.Rate() > 0 {
		fmt.Fprintf(w, "submissions reach %.1f %% of the no-op ceiling (%s/s)\n", 100*sub.Rate()/noop.Rate(), thousands(int(noop.Rate())))
	}
	if c := r.Commits; c.Submissions > 0 {
		fmt.Fprintf(w, "group commit: %d transactions for %d submissions, %.3f log flushes (fsyncs) per report, %.1f reports per flush; %d batches went one submission at a time\n",
			c.Batches, c.Submissions, float64(c.Batches)/float64(c.Submissions), float64(c.Submissions)/float64(max(1, c.Batches)), c.OneByOne)
		if span := time.Duration(c.Committers) * sub.Elapsed; span > 0 {
			fmt.Fprintf(w, "committers (%d): busy %.0f %% of the phase, %.0f %% in the commits themselves (log written and flushed, checkpoints)\n",
				c.Committers, 100*c.Busy.Seconds()/span.Seconds(), 100*c.Flush.Seconds()/span.Seconds())
		}
	}
	fmt.Fprintf(w, "today's completeness counts %d received; %d submissions answered 201 Created\n\n", r.Received, r.Created)
	r.printDashboard(w)

	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tfirst\tmedian\tmin\tmax\truns\t")
	for _, q := range r.Queries {
		if q.Err != "" {
			fmt.Fprintf(tw, "%s\terror: %.200s\t\t\t\t\t\n", q.Name, q.Err)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t\n", q.Name, ms(q.First), ms(q.Median), ms(q.Min), ms(q.Max), q.Runs)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nmemory: generating and loading peaked at RSS %s; serving and querying at RSS %s (now %s, Go heap in use %s, Go runtime total %s)\n",
		mib(r.AfterLoad.PeakRSS), mib(r.End.PeakRSS), mib(r.End.RSS), mib(r.End.HeapInuse), mib(r.End.GoSys))
	fmt.Fprintln(w, r.Summary())
}

// Summary is one line with the headline figures and the targets met.
func (r *Result) Summary() string {
	sub, _ := r.Phase("submit")
	noop, _ := r.Phase("no-op")
	q := map[string]time.Duration{}
	worst := time.Duration(0)
	for _, x := range r.Queries {
		q[x.Name] = x.Median
		if strings.HasPrefix(x.Name, "completeness") || strings.HasPrefix(x.Name, "trend") {
			worst = max(worst, x.Median)
		}
	}
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	ratio := 0.0
	if noop.Rate() > 0 {
		ratio = 100 * sub.Rate() / noop.Rate()
	}
	queries, queryVerdict := "queries not timed", "not timed"
	if len(r.Queries) > 0 {
		queries = fmt.Sprintf("completeness %s, trend30 %s, trend90 %s, missing %s", ms(q["completeness today"]),
			ms(q["trend 30 days"]), ms(q["trend 90 days"]), ms(q["missing today, page 1"]))
		queryVerdict = verdict(worst < TargetQuery)
	}
	return fmt.Sprintf("summary: %s %s×%d c=%d: %s submissions/s, p99 %s, %d errors (%.0f %% of no-op %s/s); "+
		"%s; serving peak RSS %s — targets: ≥%s/s %s, p99<%v %s, completeness/trend<%v %s, memory<1GiB %s",
		r.Engine, thousands(r.Enterprises), r.Days, r.Concurrency, thousands(int(sub.Rate())), ms(sub.P99), sub.Errors,
		ratio, thousands(int(noop.Rate())), queries, mib(r.End.PeakRSS),
		thousands(TargetRate), verdict(sub.Rate() >= TargetRate), TargetP99, verdict(sub.P99 < TargetP99 && sub.Requests > 0),
		TargetQuery, queryVerdict, verdict(r.End.PeakRSS < TargetMemory))
}

// thousands writes n with thin separators: 12,345.
func thousands(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
