"""gunicorn settings read from the working folder: each worker loads the model, the segmenter and
the templates as it starts (hotline.warmup), so no caller waits for them on a first request."""
import gc


def post_worker_init(worker):
    from hotline.warmup import warm_up

    seconds = warm_up(worker.wsgi)  # the Flask app create_app() returned
    # What the warm-up loaded (the model, the segmenter's dictionary: millions of objects) lives as
    # long as the worker: moved out of the collector's generations, a full collection no longer
    # walks it, which had cost a request tens of milliseconds now and then (docs/benchmarks-throughput.md).
    gc.freeze()
    worker.log.info("预加载完成，用时 %.1f 秒", seconds)
