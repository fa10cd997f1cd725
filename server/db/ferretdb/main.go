// Command ferretdb-embedded runs FerretDB v1 (SQLite handler) on a loopback
// port for the service desk when no MONGODB_URI is configured.
//
// It prints one line `MONGODB_URI=<uri>` on stdout once it accepts
// connections, and stops cleanly on SIGTERM/SIGINT, when its stdin closes
// (the parent process died, its end of the pipe went with it) or when its
// parent process changes.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dir := flag.String("dir", "data/db", "directory for the SQLite files")
	listen := flag.String("listen", "127.0.0.1:0", "TCP address; port 0 picks a free port")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", true, "exit when stdin reaches EOF")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad -log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	abs, err := filepath.Abs(*dir)
	if err != nil {
		fail("bad -dir: %v", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		fail("cannot create %s: %v", abs, err)
	}

	// FerretDB resolves port 0 itself, but MongoDBURI is only known after Run
	// starts; pick the port here so the URI is known before serving.
	addr := *listen
	if host, port, err := net.SplitHostPort(addr); err == nil && port == "0" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			fail("cannot listen on %s: %v", addr, err)
		}
		addr = net.JoinHostPort(host, fmt.Sprint(l.Addr().(*net.TCPAddr).Port))
		_ = l.Close()
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		// WAL with synchronous=NORMAL: a commit survives a crash of any
		// process (the fault tests kill with SIGKILL); only a power cut may
		// lose the last commits, never consistency. FULL would fsync every
		// commit, the main cost of each write here. Production uses MongoDB.
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(normal)",
		Logger:    logger,
	})
	if err != nil {
		fail("cannot start FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel()
		}()
	}
	go func() {
		parent := os.Getppid()
		for range time.Tick(time.Second) {
			if os.Getppid() != parent {
				cancel()
				return
			}
		}
	}()

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	// Announce only once the port accepts connections.
	for i := 0; ; i++ {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			break
		}
		if i > 100 {
			fail("FerretDB did not start listening on %s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Printf("MONGODB_URI=mongodb://%s/\n", addr)

	<-done
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-embedded: "+format+"\n", args...)
	os.Exit(1)
}
