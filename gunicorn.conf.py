"""gunicorn settings read from the working folder: each worker loads the model, the segmenter and
the templates as it starts (hotline.warmup), so no caller waits for them on a first request."""


def post_worker_init(worker):
    from hotline.warmup import warm_up

    seconds = warm_up(worker.wsgi)  # the Flask app create_app() returned
    worker.log.info("预加载完成，用时 %.1f 秒", seconds)
