package loadtest

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of sorted
// durations: the smallest value that at least p % of them do not exceed.
// It is 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Median is the middle of unsorted durations (the lower middle for an even count).
func Median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return Percentile(s, 50)
}

// Memory is the process's memory as the kernel and the Go runtime see it.
type Memory struct {
	RSS, PeakRSS int64 // VmRSS and VmHWM, bytes; 0 where /proc is missing
	HeapInuse    uint64
	GoSys        uint64 // all memory the Go runtime holds from the OS
}

// ReadMemory reads /proc/self/status and the runtime's statistics.
func ReadMemory() Memory {
	var m Memory
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		m.RSS, m.PeakRSS = procStatusKB(b, "VmRSS")*1024, procStatusKB(b, "VmHWM")*1024
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.HeapInuse, m.GoSys = ms.HeapInuse, ms.Sys
	return m
}

// resetPeak starts the kernel's peak-RSS count (VmHWM) afresh, so the
// serving phases' peak is not the generation's. It does nothing where the
// kernel does not allow it.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// procStatusKB reads a "Key:   123 kB" line of /proc/self/status.
func procStatusKB(status []byte, key string) int64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err == nil {
			return n
		}
	}
	return 0
}

// mib formats bytes in MiB.
func mib[T int64 | uint64](n T) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// ms formats a duration in milliseconds.
func ms(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", d.Seconds()*1000)
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", d.Seconds()*1000)
	default:
		return fmt.Sprintf("%.2f ms", d.Seconds()*1000)
	}
}
