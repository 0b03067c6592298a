"""Gunicorn settings for Charterline, read when gunicorn is started from the project folder."""


def post_worker_init(worker) -> None:
    """Load the language data (WordNet, the sentiment model) before a worker takes its first request.

    Loading WordNet takes a few seconds; done here, no resident's submission waits for it.
    """
    from core.sentiment.scoring import score
    from core.sentiment.themes import themes_for

    themes_for("The bins were missed and the staff were helpful")
    score("The bins were missed and the staff were helpful")
    worker.log.info("Language data loaded")
