package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/httpx"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "http",
		args:  "IN... [--json] [--extract DIR] [-f FILTER]",
		short: "list HTTP/1.x request/response exchanges found in reassembled TCP streams",
		long: `Reassembles TCP connections (as pcapflow follow does) and parses HTTP/1.x in both
directions, on any port: requests and responses with Content-Length, chunked or
until-close bodies, keep-alive connections with several exchanges, pipelined requests
(each response answers the oldest unanswered request). One line per exchange: stream,
time, client > server, method, host, URI, status, body sizes, the time the client
waited for the first response byte and the whole exchange's duration. --json prints
one JSON object per exchange instead. --extract DIR saves each complete body (chunk
framing removed, content encodings kept) as STREAM-INDEX-request|response-NAME, NAME
made safe from the URI's last path element.`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			var in inputFlags
			in.declare(fs)
			asJSON := fs.Bool("json", false, "print one JSON object per exchange")
			extract := fs.String("extract", "", "save bodies into `DIR`")
			var ro reasmFlags
			ro.declare(fs)
			return func(e *env, args []string) error {
				paths, err := in.paths(args)
				if err != nil {
					return err
				}
				return runHTTP(e, &in, paths, *asJSON, *extract, ro)
			}
		},
	})
}

func runHTTP(e *env, in *inputFlags, paths []string, asJSON bool, extract string, ro reasmFlags) error {
	inputs := &pipeline.Inputs{}
	g, err := in.graph(e, paths, inputs)
	if err != nil {
		return err
	}
	var emit func(*httpx.Exchange) error
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 1, ' ', 0)
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		emit = func(x *httpx.Exchange) error { return enc.Encode(httpx.RecordOf(x)) }
	} else {
		fmt.Fprintln(tw, "STREAM\tTIME\tCLIENT\tSERVER\tMETHOD\tHOST\tURI\tSTATUS\tREQ\tRESP\tWAIT_MS\tMS")
		emit = func(x *httpx.Exchange) error {
			r := httpx.RecordOf(x)
			t := r.RequestTime
			if t == "" {
				t = r.ResponseTime
			}
			_, err := fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Stream, t, r.Client, r.Server,
				dash(r.Method), dash(r.Host), dash(r.URI), num(int64(r.Status)), num(r.RequestBody), num(r.ResponseBody),
				numf(r.WaitMS), numf(r.DurationMS))
			return err
		}
	}
	sink, err := httpx.New(httpx.Options{Emit: emit, ExtractDir: extract, Reassembly: ro.options()})
	if err != nil {
		return err
	}
	g.Sinks = []pipeline.Sink{sink}
	_, runErr := g.Run(e.ctx)
	if !asJSON {
		if err := tw.Flush(); err != nil && runErr == nil {
			runErr = err
		}
	}
	if runErr != nil {
		return runErr
	}
	in.warnFilter(e.stderr, inputs)
	c := sink.Counts()
	fmt.Fprintf(e.stderr, "http: %d exchanges (%d requests, %d responses) in %d connections", c.Exchanges, c.Requests, c.Responses, c.Connections)
	if c.Incomplete > 0 {
		fmt.Fprintf(e.stderr, ", %d incomplete messages", c.Incomplete)
	}
	if extract != "" {
		fmt.Fprintf(e.stderr, ", %d bodies saved in %s", c.Extracted, extract)
	}
	fmt.Fprintln(e.stderr)
	return in.finish(e.stderr, inputs)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func num(n int64) string {
	if n < 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

func numf(f float64) string {
	if f < 0 {
		return "-"
	}
	return strconv.FormatFloat(f, 'f', 3, 64)
}
