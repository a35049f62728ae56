// Runs Knative Serving v0.51.0's own window code on a trace read from stdin,
// one operation per line, and prints what it answers:
//
//	buckets <windowMs>        new TimedFloat64Buckets (1 s granularity)
//	record <ms> <value>       Record
//	average <ms>              prints WindowAverage and IsEmpty
//	delay <delayMs>           new max.TimeWindow (2 s granularity: the decider's tick)
//	delayed <ms> <pods>       Record, then prints Current
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"knative.dev/serving/pkg/autoscaler/aggregation"
	"knative.dev/serving/pkg/autoscaler/aggregation/max"
)

func main() {
	var buckets *aggregation.TimedFloat64Buckets
	var delay *max.TimeWindow
	at := func(ms string) time.Time {
		n, err := strconv.ParseInt(ms, 10, 64)
		if err != nil {
			panic(err)
		}
		return time.UnixMilli(n)
	}
	value := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			panic(err)
		}
		return v
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "buckets":
			buckets = aggregation.NewTimedFloat64Buckets(at(f[1]).Sub(time.UnixMilli(0)), time.Second)
		case "record":
			buckets.Record(at(f[1]), value(f[2]))
		case "average":
			now := at(f[1])
			fmt.Fprintln(out, strconv.FormatFloat(buckets.WindowAverage(now), 'g', -1, 64), buckets.IsEmpty(now))
		case "delay":
			delay = max.NewTimeWindow(at(f[1]).Sub(time.UnixMilli(0)), 2*time.Second)
		case "delayed":
			delay.Record(at(f[1]), int32(value(f[2])))
			fmt.Fprintln(out, delay.Current())
		default:
			panic("unknown operation " + f[0])
		}
	}
}
