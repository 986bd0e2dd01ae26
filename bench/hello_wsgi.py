"""The floor of every HTTP figure: the smallest WSGI app, served by the same gunicorn settings."""


def application(environ, start_response):
    body = b"Bonjour"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
