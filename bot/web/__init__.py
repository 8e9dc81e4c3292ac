"""The bot's web app: the health check, the platforms' routes, and the people's web view.

server.py     uvicorn in the bot's own loop; the Starlette app and /healthz
models.py     sign-in links and web sessions (each token stored hashed)
signin.py     one-time links, sessions, and who a session belongs to now
verb.py       the `web` verb: a sign-in link, sent privately
pages.py      what a page is, and the capability practices offer to add theirs
rendering.py  the HTML templates from the prompt library's folders
view.py       the routes under /app: sign-in, pages, forms, downloads, logout
actions.py    a form sent from a page, handled as the chat verb it stands for
charts.py     SVG charts with a text alternative and their numbers as a table
week.py       the "This week" page;  archive.py  the digests' archive
"""

from bot.web.server import WebServer, build_web_app

__all__ = ["WebServer", "build_web_app"]
