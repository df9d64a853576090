"""The report site and the local server: pages per question (pages.py), their HTML (render.py
and templates/), the site's files (site.py), the static report (report.py) and the server with
its JSON API (server.py, routes.py)."""
