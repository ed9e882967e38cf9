package loadtest

import (
	"context"
	"os"
	"runtime"
	"runtime/trace"
	"testing"
	"time"
)

func TestZZTrace(t *testing.T) {
	runtime.SetBlockProfileRate(int(time.Microsecond))
	runtime.SetMutexProfileFraction(5)
	f, _ := os.Create("/tmp/bench.trace")
	go func() {
		time.Sleep(7 * time.Second) // after ceilings
		trace.Start(f)
		time.Sleep(2 * time.Second)
		trace.Stop()
	}()
	_, err := Run(context.Background(), Config{Enterprises: 20000, Days: 3, Concurrency: 64, Duration: 5 * time.Second,
		Handler: handler, Out: os.Stdout, CPUProfile: "/tmp/sub2.prof"})
	if err != nil {
		t.Fatal(err)
	}
}
