package parquet

// worker runs jobs one after another on a goroutine of its own that lives
// until stop. The http and PFCP states run a job per batch beside the
// packet rows (see Sink.Consume); a goroutine per job began with a small
// stack every time and copied it as the job's calls grew it, 1-1.5% of a
// run's CPU.
type worker struct {
	jobs chan func() error
	done chan error
}

// run hands job to the worker's goroutine (starting it the first time) and
// returns the channel that receives job's result. The caller receives it
// before the next run.
func (w *worker) run(job func() error) <-chan error {
	if w.jobs == nil {
		w.jobs, w.done = make(chan func() error), make(chan error, 1)
		go func(jobs <-chan func() error, done chan<- error) {
			for j := range jobs {
				done <- j()
			}
		}(w.jobs, w.done)
	}
	w.jobs <- job
	return w.done
}

// stop ends the worker's goroutine once the last job's result has been
// received; a later run starts another.
func (w *worker) stop() {
	if w.jobs != nil {
		close(w.jobs)
		w.jobs = nil
	}
}
