package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuTime is the CPU time used so far by this process, its live children
// (festival's warm processes) and its exited children (espeak-ng runs).
// Wall-clock latency on a shared machine mostly measures the neighbours;
// CPU time is what a sentence costs on an idle core. Linux only: the
// per-task counters come from /proc/<pid>/task/<tid>/schedstat, in
// nanoseconds (Documentation/scheduler/sched-stats.rst).
func cpuTime() time.Duration {
	self := os.Getpid()
	total := procCPU(self)
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, p := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(p); err == nil {
				total += procCPU(pid)
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) == nil {
		total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return total
}

// procCPU sums the time on CPU of every thread of pid.
func procCPU(pid int) time.Duration {
	stats, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/schedstat")
	var total time.Duration
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if fields := strings.Fields(string(b)); len(fields) > 0 {
			if ns, err := strconv.ParseInt(fields[0], 10, 64); err == nil {
				total += time.Duration(ns)
			}
		}
	}
	return total
}
