// Reference workloads, run side by side with their Java ports in jmh/src/main/java/dev/weft/jmh
// (ChannelWorkloads, SchedulerWorkloads) by jmh/compare.
//
// A copy of shared/reference/go-workloads (pingpong, skynet, sieve, fanout, select unchanged);
// weft adds the shapes the reference lacks, marked "weft:" below: select over 4 channels,
// buffered producer/consumer, spawn, yield and sleep.
//
// Usage: go run . WORKLOAD [N]  -> prints "go WORKLOAD N median X ms Y ns/op"
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func pingpong(n int) {
	a, b := make(chan int), make(chan int)
	go func() {
		for v := range a {
			b <- v + 1
		}
		close(b)
	}()
	for i := 0; i < n; i++ {
		a <- i
		<-b
	}
	close(a)
}

func skynet(c chan int, num, size, div int) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int)
	sum := 0
	for i := 0; i < div; i++ {
		subNum := num + i*(size/div)
		go skynet(rc, subNum, size/div, div)
	}
	for i := 0; i < div; i++ {
		sum += <-rc
	}
	c <- sum
}

func generate(ch chan<- int) {
	for i := 2; ; i++ {
		ch <- i
	}
}

func filter(in <-chan int, out chan<- int, prime int) {
	for {
		i := <-in
		if i%prime != 0 {
			out <- i
		}
	}
}

func sieve(n int) int {
	ch := make(chan int)
	go generate(ch)
	p := 0
	for i := 0; i < n; i++ {
		p = <-ch
		ch1 := make(chan int)
		go filter(ch, ch1, p)
		ch = ch1
	}
	return p
}

func fanout(n, workers, capacity int) int64 {
	jobs := make(chan int, capacity)
	results := make(chan int64, capacity)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- int64(j) * 2
			}
		}()
	}
	go func() {
		for i := 0; i < n; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(results) }()
	var sum int64
	for r := range results {
		sum += r
	}
	return sum
}

func selectLoop(n int) {
	a, b, done := make(chan int, 64), make(chan int, 64), make(chan bool)
	go func() {
		for i := 0; i < n; i++ {
			if i%2 == 0 {
				a <- i
			} else {
				b <- i
			}
		}
		close(done)
	}()
	got := 0
	for got < n {
		select {
		case <-a:
			got++
		case <-b:
			got++
		}
	}
	<-done
}

// weft: selectLoop over 4 channels, value i on channel i%4.
func select4Loop(n int) {
	a, b, c, d, done := make(chan int, 64), make(chan int, 64), make(chan int, 64), make(chan int, 64), make(chan bool)
	chans := []chan int{a, b, c, d}
	go func() {
		for i := 0; i < n; i++ {
			chans[i%4] <- i
		}
		close(done)
	}()
	got := 0
	for got < n {
		select {
		case <-a:
			got++
		case <-b:
			got++
		case <-c:
			got++
		case <-d:
			got++
		}
	}
	<-done
}

// weft: producers send n/producers values each on one channel of capacity; consumers
// receive n/consumers each.
func buffered(n, producers, consumers, capacity int) int64 {
	ch := make(chan int, capacity)
	sums := make([]int64, consumers)
	var wg sync.WaitGroup
	for c := 0; c < consumers; c++ {
		wg.Add(1)
		go func(me int) {
			defer wg.Done()
			var sum int64
			for i := 0; i < n/consumers; i++ {
				sum += int64(<-ch)
			}
			sums[me] = sum
		}(c)
	}
	for p := 0; p < producers; p++ {
		go func(first int) {
			for i := first; i < first+n/producers; i++ {
				ch <- i
			}
		}(p * (n / producers))
	}
	wg.Wait()
	var sum int64
	for _, s := range sums {
		sum += s
	}
	return sum
}

// weft: start n goroutines that each add to a counter, wait for them all.
func spawn(n int) {
	var counter int64
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			atomic.AddInt64(&counter, 1)
			wg.Done()
		}()
	}
	wg.Wait()
	if counter != int64(n) {
		panic("bad spawn count")
	}
}

// weft: 1000 goroutines call runtime.Gosched n/1000 times each.
func yieldStorm(n int) {
	const goroutines = 1000
	var wg sync.WaitGroup
	wg.Add(goroutines)
	for i := 0; i < goroutines; i++ {
		go func() {
			for y := 0; y < n/goroutines; y++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
}

// weft: 10000 goroutines sleep 1 ms, n/10000 times each.
func sleepers(n int) {
	const goroutines = 10000
	var wg sync.WaitGroup
	wg.Add(goroutines)
	for i := 0; i < goroutines; i++ {
		go func() {
			for s := 0; s < n/goroutines; s++ {
				time.Sleep(time.Millisecond)
			}
			wg.Done()
		}()
	}
	wg.Wait()
}

func main() {
	w := os.Args[1]
	n := 0
	if len(os.Args) > 2 {
		n, _ = strconv.Atoi(os.Args[2])
	}
	reps := 5
	times := make([]float64, 0, reps)
	for r := 0; r < reps; r++ {
		start := time.Now()
		run(w, n)
		times = append(times, float64(time.Since(start).Nanoseconds()))
	}
	sort.Float64s(times)
	med := times[reps/2]
	fmt.Printf("go %s %d median %.1f ms %.1f ns/op\n", w, n, med/1e6, med/float64(n))
}

func run(w string, n int) {
	switch w {
	case "pingpong":
		pingpong(n)
	case "skynet":
		c := make(chan int)
		go skynet(c, 0, n, 10)
		if s := <-c; s != n*(n-1)/2 {
			panic("bad skynet sum")
		}
	case "sieve":
		sieve(n)
	case "fanout":
		if fanout(n, 8, 128) != int64(n)*int64(n-1) {
			panic("bad fanout sum")
		}
	case "select":
		selectLoop(n)
	case "select4":
		select4Loop(n)
	case "spawn":
		spawn(n)
	case "yield":
		yieldStorm(n)
	case "sleep":
		sleepers(n)
	default:
		// weft: buffered1x1-C and buffered4x4-C, C the capacity
		var p, c, capacity int
		if _, err := fmt.Sscanf(w, "buffered%dx%d-%d", &p, &c, &capacity); err == nil {
			if buffered(n, p, c, capacity) != int64(n)*int64(n-1)/2 {
				panic("bad buffered sum")
			}
			return
		}
		panic("unknown workload " + w)
	}
}
