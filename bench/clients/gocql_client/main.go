// The gocql client of the driver benchmark (bench/run_bench.py): the same
// workloads, options and one-line JSON report as the C clients
// (bench/bench_common.h). gocql's calls block, so concurrency C is C
// goroutines; the harness runs it with GOMAXPROCS=1 so that, like the
// other clients, it executes on one thread.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gocql/gocql"
)

type address struct {
	Street string `cql:"street"`
	City   string `cql:"city"`
	Zip    int    `cql:"zip"`
}

const (
	qSelect = "SELECT id, name, score FROM bench.kv WHERE id = ?"
	qInsert = "INSERT INTO bench.wide (id, name, n, uid, ts, score, payload, tags, attrs, addr) " +
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	qScan     = "SELECT id, name, n, uid, ts, score, payload, tags, attrs, addr FROM bench.scan"
	kvRows    = 10000
	batchSize = 50
)

// The constant values of a wide row (bench_common.h); only the key changes.
type wideRow struct {
	name    string
	n       int
	uid     gocql.UUID
	ts      time.Time
	score   float64
	payload []byte
	tags    []string
	attrs   map[string]int
	addr    address
}

func newWideRow() wideRow {
	payload := make([]byte, 256)
	for i := range payload {
		payload[i] = byte(i*7 + 1)
	}
	uid := gocql.UUID{0x5f, 0x2c, 0x8e, 0x10, 0x3a, 0x7b, 0x4d, 0x21,
		0x9c, 0x04, 0x61, 0xe2, 0xb3, 0x55, 0x0d, 0x9a}
	return wideRow{
		name: "bench-user@example.com", n: 42, uid: uid,
		ts: time.UnixMilli(1700000000000).UTC(), score: 3.25, payload: payload,
		tags:  []string{"blue", "green", "red"},
		attrs: map[string]int{"a": 1, "b": 2, "c": 3},
		addr:  address{"1 Main St", "Springfield", 12345},
	}
}

func (w *wideRow) values(id int64) []interface{} {
	return []interface{}{id, w.name, w.n, w.uid, w.ts, w.score, w.payload, w.tags, w.attrs, w.addr}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

type recorder struct {
	mu    sync.Mutex
	lat   []uint32
	start time.Time // of the measured phase
}

func (r *recorder) add(d time.Duration) {
	r.mu.Lock()
	r.lat = append(r.lat, uint32(d.Microseconds()))
	r.mu.Unlock()
}

func (r *recorder) pct(q float64) uint32 {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[int(q*float64(len(r.lat)-1)+0.5)]
}

// runConcurrent runs requests [0, total) over `conc` goroutines; `op`
// does request i. The measured phase starts once `warmup` requests ended.
func runConcurrent(total, warmup int64, conc int, op func(i int64) error, rec *recorder,
	start func()) int64 {
	var next, done, errs int64
	var measuring int32
	var startOnce sync.Once
	begin := func() {
		start()
		atomic.StoreInt32(&measuring, 1)
	}
	if warmup == 0 {
		startOnce.Do(begin)
	}
	var wg sync.WaitGroup
	for g := 0; g < conc; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := atomic.AddInt64(&next, 1) - 1
				if i >= total {
					return
				}
				t0 := time.Now()
				err := op(i)
				if atomic.LoadInt32(&measuring) == 1 && t0.After(rec.start) {
					rec.add(time.Since(t0)) // sent inside the measured phase
				}
				if err != nil {
					if atomic.AddInt64(&errs, 1) == 1 {
						fmt.Fprintln(os.Stderr, "gocql_client: first error:", err)
					}
				}
				if atomic.AddInt64(&done, 1) == warmup {
					startOnce.Do(begin)
				}
			}
		}()
	}
	wg.Wait()
	return errs
}

func main() {
	host := flag.String("host", "127.0.0.1", "")
	port := flag.Int("port", 0, "")
	workload := flag.String("workload", "select", "")
	n := flag.Int64("n", 20000, "")
	conc := flag.Int("concurrency", 256, "")
	pageSize := flag.Int("page-size", 5000, "")
	warmup := flag.Int64("warmup", -1, "")
	flag.Int("protocol", 0, "ignored: gocql negotiates")
	flag.Parse()
	if *warmup < 0 {
		*warmup = *n / 10
		if *warmup > 2000 {
			*warmup = 2000
		}
	}

	cluster := gocql.NewCluster(*host)
	cluster.Port = *port
	cluster.NumConns = 1
	cluster.Consistency = gocql.LocalOne
	cluster.Timeout = 30 * time.Second
	cluster.ConnectTimeout = 10 * time.Second
	cluster.PageSize = *pageSize
	cluster.ProtoVersion = 4 // gocql's highest
	session, err := cluster.CreateSession()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gocql_client: connect:", err)
		os.Exit(1)
	}
	defer session.Close()

	rec := &recorder{}
	var t0 time.Time
	var cpu0 float64
	start := func() {
		rec.mu.Lock()
		rec.lat = rec.lat[:0]
		cpu0 = cpuSeconds()
		t0 = time.Now()
		rec.start = t0
		rec.mu.Unlock()
	}
	w := newWideRow()
	var requests, rows, errs int64

	switch *workload {
	case "select":
		var sum int64
		errs = runConcurrent(*n+*warmup, *warmup, *conc, func(i int64) error {
			var id int
			var name string
			var score int64
			err := session.Query(qSelect, int(i%kvRows)).Scan(&id, &name, &score)
			atomic.AddInt64(&sum, int64(len(name))+score)
			return err
		}, rec, start)
		requests, rows = *n, *n
	case "insert":
		errs = runConcurrent(*n+*warmup, *warmup, *conc, func(i int64) error {
			return session.Query(qInsert, w.values(i)...).Exec()
		}, rec, start)
		requests, rows = *n, *n
	case "batch":
		errs = runConcurrent(*n+*warmup, *warmup, *conc, func(i int64) error {
			b := session.NewBatch(gocql.UnloggedBatch)
			for k := int64(0); k < batchSize; k++ {
				b.Query(qInsert, w.values(i*batchSize+k)...)
			}
			return session.ExecuteBatch(b)
		}, rec, start)
		requests, rows = *n, *n*batchSize
	case "scan":
		scan := func(limit int64) (int64, error) {
			iter := session.Query(qScan).PageSize(*pageSize).Iter()
			var r wideRow
			var id int64
			var count int64
			last := time.Now()
			for iter.Scan(&id, &r.name, &r.n, &r.uid, &r.ts, &r.score, &r.payload, &r.tags,
				&r.attrs, &r.addr) {
				count++
				if count == limit {
					break
				}
				if count%int64(*pageSize) == 0 {
					now := time.Now()
					rec.add(now.Sub(last))
					last = now
				}
			}
			return count, iter.Close()
		}
		if _, err := scan(int64(*pageSize)); err != nil { // warm-up: the first page
			fmt.Fprintln(os.Stderr, "gocql_client: scan:", err)
			os.Exit(1)
		}
		start()
		count, err := scan(-1)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gocql_client: scan:", err)
			errs = 1
		}
		requests, rows = int64(len(rec.lat)), count
	default:
		fmt.Fprintln(os.Stderr, "gocql_client: unknown workload", *workload)
		os.Exit(2)
	}
	elapsed := time.Since(t0).Seconds()
	sort.Slice(rec.lat, func(a, b int) bool { return rec.lat[a] < rec.lat[b] })
	proto := cluster.ProtoVersion
	out, _ := json.Marshal(map[string]interface{}{
		"client": "gocql", "workload": *workload, "requests": requests, "rows": rows,
		"errors": errs, "elapsed_s": elapsed, "cpu_setup_s": cpu0,
		"p50_us": rec.pct(0.50), "p99_us": rec.pct(0.99), "p999_us": rec.pct(0.999),
		"protocol": proto, "allocs": -1,
	})
	fmt.Println(string(out))
	if errs > 0 {
		os.Exit(1)
	}
}
