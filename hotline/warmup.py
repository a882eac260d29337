"""Load what the first requests would otherwise pay for: the classifier, jieba's dictionary and
the templates. Called when a worker starts (`python -m hotline run`, gunicorn's post_worker_init in
gunicorn.conf.py), never at import, so commands and tests stay quick."""
from __future__ import annotations

import logging
import time

from flask import Flask

log = logging.getLogger(__name__)

# A realistic complaint: segmenting it loads jieba's dictionary and the domain lexicon.
SAMPLE = "青山镇村支书王某某把低保名额给了自己的弟弟，每月600元，还扣了我们每户三百元统筹款。"


def warm_up(app: Flask) -> float:
    """Seconds spent; failures are logged, not raised (a cold first request beats no start)."""
    started = time.perf_counter()
    with app.app_context():
        try:
            from hotline.db import get_session
            from hotline.triage.service import model_store

            triage = model_store(get_session()).get()
            if triage is not None:
                triage.classify(SAMPLE)
        except Exception:  # noqa: BLE001 - a missing model or database only costs the first request
            log.exception("预加载分类模型失败，首个请求时再加载")
        for name in app.jinja_env.list_templates(filter_func=lambda n: n.endswith(".html")):
            app.jinja_env.get_template(name)
    return time.perf_counter() - started
