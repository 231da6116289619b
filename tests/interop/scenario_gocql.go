// The interop scenario for gocql (Debian golang-github-gocql-gocql-dev)
// against a cqlkit-node, protocol v4. Run through run_with_node.py, which
// sets CQLKIT_NODE_PORT. The same steps as scenario.py and scenario.js.
// Prints every mismatch as a want/got diff; exits 1 if any step failed.
package main

import (
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gocql/gocql"
	"gopkg.in/inf.v0"
)

const ks = "interop_go"

var failures []string

func check(what string, got, want interface{}) {
	g, w := fmt.Sprintf("%T %v", got, got), fmt.Sprintf("%T %v", want, want)
	if g != w {
		failures = append(failures, what)
		fmt.Printf("MISMATCH %s\n  want: %s\n  got:  %s\n", what, w, g)
	}
}

func checkErr(what string, err error) bool {
	if err != nil {
		check(what, err.Error(), "no error")
		return false
	}
	return true
}

var cols = []string{"k", "a", "b", "bl", "bo", "d", "de", "db", "du", "f", "i", "i6", "sm", "t", "tm",
	"ts", "tu", "ti", "u", "vc", "vi", "l", "st", "m", "tp", "ad", "ad2", "nest", "ms"}

const allTypes = `CREATE TABLE IF NOT EXISTS all_types (
  k int PRIMARY KEY, a ascii, b bigint, bl blob, bo boolean, d date, de decimal, db double,
  du duration, f float, i inet, i6 inet, sm smallint, t text, tm time, ts timestamp,
  tu timeuuid, ti tinyint, u uuid, vc varchar, vi varint, l list<int>, st set<text>,
  m map<text, int>, tp tuple<int, text, boolean>, ad frozen<addr>, ad2 addr,
  nest frozen<list<map<text, int>>>, ms map<int, frozen<set<text>>>)`

func mustUUID(s string) gocql.UUID {
	u, err := gocql.ParseUUID(s)
	if err != nil {
		panic(err)
	}
	return u
}

func row1() []interface{} {
	vi, _ := new(big.Int).SetString("-1180591620717411303424", 10)
	return []interface{}{1, "ascii", int64(-1099511627776), []byte{0, 1, 255}, true,
		time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), inf.NewDec(-31415, 4), 2.5,
		gocql.Duration{Months: 1, Days: 2, Nanoseconds: 3000000004}, float32(0.5),
		net.ParseIP("10.0.0.1"), net.ParseIP("::1"), int16(-7), "text \u00e9\u4e2d",
		time.Duration(3723000000004), time.Date(2021, 3, 4, 5, 6, 7, 8000000, time.UTC),
		mustUUID("d2177dd0-eaa2-11de-a572-001b779c76e3"), int8(-128),
		mustUUID("12345678-1234-5678-1234-567812345678"), "varchar", vi, []int{3, 1, 2},
		[]string{"b", "a"}, map[string]int{"k": 1, "j": -2},
		map[string]interface{}{"street": "main st", "zip": 12345, "tags": []string{"x", "y"}},
		map[string]interface{}{"street": "side st", "zip": nil, "tags": nil},
		[]map[string]int{{"a": 1}, {}}, map[int][]string{2: {"q"}, 1: {"p", "o"}}}
}

// What MapScan gives back for row 1, in gocql's default Go types (inet
// as a string, a tuple as one entry per element).
func wantRow1() map[string]interface{} {
	vi, _ := new(big.Int).SetString("-1180591620717411303424", 10)
	return map[string]interface{}{
		"k": 1, "a": "ascii", "b": int64(-1099511627776), "bl": []byte{0, 1, 255}, "bo": true,
		"d": time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), "de": inf.NewDec(-31415, 4), "db": 2.5,
		"du": gocql.Duration{Months: 1, Days: 2, Nanoseconds: 3000000004}, "f": float32(0.5),
		"i": "10.0.0.1", "i6": "::1", "sm": int16(-7),
		"t": "text \u00e9\u4e2d", "tm": time.Duration(3723000000004),
		"ts": time.Date(2021, 3, 4, 5, 6, 7, 8000000, time.UTC),
		"tu": mustUUID("d2177dd0-eaa2-11de-a572-001b779c76e3"), "ti": int8(-128),
		"u": mustUUID("12345678-1234-5678-1234-567812345678"), "vc": "varchar", "vi": vi,
		"l": []int{3, 1, 2}, "st": []string{"a", "b"}, "m": map[string]int{"j": -2, "k": 1},
		"tp[0]": 7, "tp[1]": "seven", "tp[2]": false,
		"ad":   map[string]interface{}{"street": "main st", "zip": 12345, "tags": []string{"x", "y"}},
		"ad2":  map[string]interface{}{"street": "side st", "zip": 0, "tags": []string(nil)},
		"nest": []map[string]int{{"a": 1}, {}}, "ms": map[int][]string{1: {"o", "p"}, 2: {"q"}},
	}
}

// Binds a null to any column (gocql refuses a plain nil for a UDT).
type null struct{}

func (null) MarshalCQL(info gocql.TypeInfo) ([]byte, error) { return nil, nil }

// Records whether a cell was null, for any column type.
type nullCheck struct{ null bool }

func (n *nullCheck) UnmarshalCQL(info gocql.TypeInfo, data []byte) error {
	n.null = data == nil
	return nil
}

func checkMap(what string, got, want map[string]interface{}) {
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		check(what+"."+k, got[k], want[k])
	}
	var extra []string
	for k := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	check(what+" unexpected columns", extra, []string(nil))
}

func stepTypes(s *gocql.Session) {
	for _, q := range []string{
		"CREATE TYPE IF NOT EXISTS addr (street text, zip int, tags frozen<set<text>>)",
		"CREATE TYPE IF NOT EXISTS addr (street text)", allTypes, allTypes} {
		checkErr(q, s.Query(q).Exec())
	}
	// gocql 1.3.2 cannot bind a tuple (it counts the tuple's elements as
	// values but has one column for them, and panics), so the tuple is
	// written as a literal; everything else is bound.
	var bound []string
	for _, c := range cols {
		if c != "tp" {
			bound = append(bound, c)
		}
	}
	ins := "INSERT INTO all_types (" + strings.Join(bound, ", ") + ") VALUES (?" +
		strings.Repeat(", ?", len(bound)-1) + ")"
	checkErr("insert row 1", s.Query(ins, row1()...).Exec())
	checkErr("tuple literal", s.Query("UPDATE all_types SET tp = (7, 'seven', false) WHERE k = 1").Exec())
	nulls := make([]interface{}, len(bound))
	for i := range nulls {
		nulls[i] = null{}
	}
	nulls[0] = 2
	checkErr("insert row 2", s.Query(ins, nulls...).Exec())
	got := map[string]interface{}{}
	if checkErr("select row 1", s.Query("SELECT * FROM all_types WHERE k = 1").MapScan(got)) {
		checkMap("all_types k=1", got, wantRow1())
	}
	// row 2: every cell but the key null (a tuple is one cell but three scan targets)
	dest := make([]interface{}, len(cols)+2)
	checks := make([]nullCheck, len(dest))
	for i := range dest {
		dest[i] = &checks[i]
	}
	var k int
	dest[0] = &k
	if checkErr("select row 2", s.Query("SELECT * FROM all_types WHERE k = 2").Scan(dest...)) {
		for i := 1; i < len(dest); i++ {
			check(fmt.Sprintf("all_types k=2 cell %d is null", i), checks[i].null, true)
		}
	}
	checkErr("collection update", s.Query("UPDATE all_types SET l = l + [4], l = [0] + l, st = st - {'a'}, "+
		"m['z'] = 26, m = m - {'j'} WHERE k = 1").Exec())
	var l []int
	var st []string
	var m map[string]int
	if checkErr("select collections", s.Query("SELECT l, st, m FROM all_types WHERE k = 1").Scan(&l, &st, &m)) {
		check("list after update", l, []int{0, 3, 1, 2, 4})
		check("set after update", st, []string{"b"})
		check("map after update", m, map[string]int{"k": 1, "z": 26})
	}
}

func stepPaging(s *gocql.Session) {
	checkErr("create pages", s.Query("CREATE TABLE IF NOT EXISTS pages (p int, c int, v text, PRIMARY KEY (p, c))").Exec())
	// 10,000 inserts from 16 goroutines
	errs := make(chan error, 16)
	for w := 0; w < 16; w++ {
		go func(w int) {
			for i := w; i < 10000; i += 16 {
				if err := s.Query("INSERT INTO pages (p, c, v) VALUES (?, ?, ?)", i%10, i/10, fmt.Sprint("v", i)).Exec(); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(w)
	}
	for w := 0; w < 16; w++ {
		checkErr("insert pages", <-errs)
	}
	n, pages := 0, 0
	seen := map[[2]int]bool{}
	var state []byte
	for {
		iter := s.Query("SELECT p, c, v FROM pages").PageSize(100).PageState(state).Iter()
		pages++
		if iter.NumRows() > 100 {
			check("page size", iter.NumRows(), 100)
		}
		var p, c int
		var v string
		for iter.Scan(&p, &c, &v) {
			n++
			seen[[2]int{p, c}] = true
			if v != fmt.Sprint("v", c*10+p) {
				check(fmt.Sprintf("pages value at (%d, %d)", p, c), v, fmt.Sprint("v", c*10+p))
			}
		}
		state = iter.PageState()
		if !checkErr("page iteration", iter.Close()) || len(state) == 0 {
			break
		}
	}
	check("paged rows", n, 10000)
	check("distinct paged rows", len(seen), 10000)
	check("pages", pages, 100)
	// one partition with the driver's automatic paging
	iter := s.Query("SELECT c FROM pages WHERE p = ?", 3).PageSize(100).Iter()
	var cs []int
	var c int
	for iter.Scan(&c) {
		cs = append(cs, c)
	}
	checkErr("partition 3", iter.Close())
	want := make([]int, 1000)
	for i := range want {
		want[i] = i
	}
	check("partition 3 clustering order", cs, want)
	var count int64
	if checkErr("count", s.Query("SELECT COUNT(*) FROM pages WHERE p = 3").Scan(&count)) {
		check("count(*)", count, int64(1000))
	}
}

func strings1(iter *gocql.Iter) []string {
	var out []string
	var v string
	for iter.Scan(&v) {
		out = append(out, v)
	}
	checkErr("iteration", iter.Close())
	return out
}

func stepMarkers(s *gocql.Session) {
	check("positional markers", strings1(s.Query("SELECT v FROM pages WHERE p = ? AND c IN ?", 4, []int{1, 2}).Iter()),
		[]string{"v14", "v24"})
	check("named markers", strings1(s.Query("SELECT v FROM pages WHERE p = :pp AND c >= :lo AND c < :hi",
		gocql.NamedValue("pp", 5), gocql.NamedValue("lo", 998), gocql.NamedValue("hi", 1000)).Iter()),
		[]string{"v9985", "v9995"})
}

func stepBatch(s *gocql.Session) {
	checkErr("create kv", s.Query("CREATE TABLE IF NOT EXISTS kv (k text, c int, v text, PRIMARY KEY (k, c))").Exec())
	b := s.NewBatch(gocql.LoggedBatch)
	b.Query("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)", "batch", 1, "one")
	b.Query("INSERT INTO kv (k, c, v) VALUES ('batch', 2, 'two')")
	b.Query("UPDATE kv SET v = ? WHERE k = ? AND c = ?", "three", "batch", 3)
	checkErr("logged batch", s.ExecuteBatch(b))
	ub := s.NewBatch(gocql.UnloggedBatch)
	ub.Query("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)", "other", 1, "x")
	ub.Query("DELETE FROM kv WHERE k = 'batch' AND c = 2")
	checkErr("unlogged batch", s.ExecuteBatch(ub))
	iter := s.Query("SELECT c, v FROM kv WHERE k = 'batch'").Iter()
	var got []string
	var c int
	var v string
	for iter.Scan(&c, &v) {
		got = append(got, fmt.Sprint(c, ":", v))
	}
	checkErr("batch select", iter.Close())
	check("batch rows", got, []string{"1:one", "3:three"})
}

func stepLwt(s *gocql.Session) {
	m := map[string]interface{}{}
	applied, err := s.Query("INSERT INTO kv (k, c, v) VALUES ('lwt', 1, 'first') IF NOT EXISTS").MapScanCAS(m)
	if checkErr("LWT insert", err) {
		check("LWT insert applied", applied, true)
		check("LWT insert applied row", m, map[string]interface{}{})
	}
	m = map[string]interface{}{}
	applied, err = s.Query("INSERT INTO kv (k, c, v) VALUES ('lwt', 1, 'second') IF NOT EXISTS").MapScanCAS(m)
	if checkErr("LWT insert 2", err) {
		check("LWT insert not applied", applied, false)
		checkMap("LWT insert existing row", m, map[string]interface{}{"k": "lwt", "c": 1, "v": "first"})
	}
	var v string
	applied, err = s.Query("UPDATE kv SET v = 'third' WHERE k = 'lwt' AND c = 1 IF v = 'nope'").ScanCAS(&v)
	if checkErr("LWT update", err) {
		check("LWT update not applied", applied, false)
		check("LWT update current value", v, "first")
	}
	applied, err = s.Query("UPDATE kv SET v = ? WHERE k = ? AND c = ? IF v = ?", "fourth", "lwt", 1, "first").ScanCAS()
	if checkErr("LWT update 2", err) {
		check("LWT update applied", applied, true)
	}
	applied, err = s.Query("DELETE FROM kv WHERE k = 'lwt' AND c = 2 IF EXISTS").ScanCAS()
	if checkErr("LWT delete", err) {
		check("LWT delete not applied", applied, false)
	}
	check("LWT final value", strings1(s.Query("SELECT v FROM kv WHERE k = 'lwt' AND c = 1").Iter()),
		[]string{"fourth"})
}

func stepCounters(s *gocql.Session) {
	for _, q := range []string{
		"CREATE TABLE IF NOT EXISTS cnt (k text PRIMARY KEY, n counter, m counter)",
		"UPDATE cnt SET n = n + 5 WHERE k = 'a'",
		"UPDATE cnt SET n = n - 2, m = m + 1 WHERE k = 'a'"} {
		checkErr(q, s.Query(q).Exec())
	}
	checkErr("bound increment", s.Query("UPDATE cnt SET n = n + ? WHERE k = ?", int64(10), "a").Exec())
	b := s.NewBatch(gocql.CounterBatch)
	b.Query("UPDATE cnt SET n = n + ? WHERE k = ?", int64(100), "b")
	b.Query("UPDATE cnt SET m = m + 7 WHERE k = 'b'")
	checkErr("counter batch", s.ExecuteBatch(b))
	got := map[string][2]int64{}
	iter := s.Query("SELECT k, n, m FROM cnt").Iter()
	var k string
	var n, m int64
	for iter.Scan(&k, &n, &m) {
		got[k] = [2]int64{n, m}
	}
	checkErr("counter select", iter.Close())
	check("counters", got, map[string][2]int64{"a": {13, 1}, "b": {100, 7}})
}

func stepTTL(s *gocql.Session) {
	checkErr("ttl insert 1", s.Query("INSERT INTO kv (k, c, v) VALUES ('ttl', 1, 'short') USING TTL 1").Exec())
	checkErr("ttl insert 2", s.Query("INSERT INTO kv (k, c, v) VALUES ('ttl', 2, 'long') USING TTL 1000 AND TIMESTAMP 123456").Exec())
	var ttl int
	var wt int64
	if checkErr("ttl select", s.Query("SELECT TTL(v), WRITETIME(v) FROM kv WHERE k = 'ttl' AND c = 2").Scan(&ttl, &wt)) {
		check("TTL(v) in range", ttl >= 990 && ttl <= 1000, true)
		check("WRITETIME(v)", wt, int64(123456))
	}
	time.Sleep(2200 * time.Millisecond)
	iter := s.Query("SELECT c FROM kv WHERE k = 'ttl'").Iter()
	var cs []int
	var c int
	for iter.Scan(&c) {
		cs = append(cs, c)
	}
	checkErr("ttl select 2", iter.Close())
	check("rows after TTL expiry", cs, []int{2})
}

func expectErr(what string, err error, code int, fragment string) {
	var re gocql.RequestError
	if !errors.As(err, &re) {
		check(what+" is a gocql.RequestError", fmt.Sprintf("%T %v", err, err), "gocql.RequestError")
		return
	}
	check(what+" code", re.Code(), code)
	check(what+" message contains "+strconv.Quote(fragment), strings.Contains(re.Message(), fragment), true)
}

func stepUseAndErrors(port int) {
	c := gocql.NewCluster("127.0.0.1")
	c.Port = port
	c.ProtoVersion = 4
	c.Timeout = 10 * time.Second
	c.Keyspace = ks // gocql's USE: it sends USE on every pool connection
	s, err := c.CreateSession()
	if !checkErr("session with keyspace", err) {
		return
	}
	defer s.Close()
	check("query after USE", strings1(s.Query("SELECT v FROM kv WHERE k = 'batch' AND c = 1").Iter()),
		[]string{"one"})
	expectErr("syntax error", s.Query("SELEC broken").Exec(), gocql.ErrCodeSyntax, "line 1:0")
	expectErr("unknown table", s.Query("SELECT * FROM no_such_table").Exec(), gocql.ErrCodeInvalid,
		"table no_such_table does not exist")
	// gocql refuses USE in a query; its Keyspace setting sends USE on connect
	bad := gocql.NewCluster("127.0.0.1")
	bad.Port = port
	bad.ProtoVersion = 4
	bad.Keyspace = "no_such_keyspace"
	bs, err := bad.CreateSession()
	if err == nil {
		bs.Close()
		check("unknown keyspace", "no error", "an error")
	} else {
		// gocql logs the server's error and returns its own "no connections"
		fmt.Println("unknown keyspace: session refused as expected:", err)
	}
}

func main() {
	port, err := strconv.Atoi(os.Getenv("CQLKIT_NODE_PORT"))
	if err != nil {
		fmt.Println("CQLKIT_NODE_PORT not set")
		os.Exit(2)
	}
	c := gocql.NewCluster("127.0.0.1")
	c.Port = port
	c.ProtoVersion = 4
	c.Timeout = 10 * time.Second
	c.ConnectTimeout = 5 * time.Second
	admin, err := c.CreateSession()
	if err != nil {
		fmt.Println("FATAL: connect:", err)
		os.Exit(1)
	}
	for _, q := range []string{
		"DROP KEYSPACE IF EXISTS " + ks,
		"CREATE KEYSPACE " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
		"CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
	} {
		checkErr(q, admin.Query(q).Exec())
	}
	admin.Close()
	c.Keyspace = ks
	s, err := c.CreateSession()
	if err != nil {
		fmt.Println("FATAL: connect with keyspace:", err)
		os.Exit(1)
	}
	for _, step := range []func(*gocql.Session){stepTypes, stepPaging, stepMarkers, stepBatch, stepLwt, stepCounters, stepTTL} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					check(fmt.Sprintf("step %v panicked", reflect.ValueOf(step)), fmt.Sprint(r), "no panic")
				}
			}()
			step(s)
		}()
	}
	stepUseAndErrors(port)
	// gocql read the schema through system_schema like with Cassandra
	km, err := s.KeyspaceMetadata(ks)
	if checkErr("keyspace metadata", err) {
		t := km.Tables["all_types"]
		if t == nil {
			check("table metadata", "missing", "all_types")
		} else {
			check("table metadata columns", len(t.Columns), len(cols))
		}
	}
	s.Close()
	if len(failures) > 0 {
		fmt.Printf("FAILED: %d mismatches\n", len(failures))
		os.Exit(1)
	}
	fmt.Println("interop gocql v4: all steps passed")
}
