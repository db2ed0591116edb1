"""gunicorn's settings for Trygg, read from the working directory by every gunicorn started
here: the README's deployment, the tests' live servers and `make bench-load`.

keepalive: an idle connection is kept longer than a proxy or a browser keeps it (nginx and
most load balancers: 60 s). With gunicorn's default of 2 s the server closed connections
just as a client, idle that long, sent its next request on them, and the request got no
answer at all (`make bench-load`, 1 of 804 requests). gthread workers keep idle
connections in their poller, not in a thread, so holding them costs nothing.
"""

keepalive = 75
