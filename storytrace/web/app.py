"""The explorer: server-rendered pages and a JSON API over one read-only workspace.

Every HTML page has a JSON twin under /api (documented at /openapi.json). Ids in paths
use the `path` converter because page ids are often URLs (with '/' and ':'); links are
built with every character percent-encoded so browsers never rewrite them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException as StarletteHTTPException

from storytrace.web import charts, queries, semantic
from storytrace.web.db import Database
from storytrace.web.security import SecurityHeaders

HERE = Path(__file__).parent
Limit = Annotated[int, Query(ge=1, le=queries.MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, description="Items to skip (see `next_offset`).")]


def make_templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pid"] = lambda value: quote(str(value), safe="")
    env.globals["with_query"] = with_query
    return env


def with_query(request: Request, **changes) -> str:
    """The current URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return request.url.path + ("?" + urlencode(params) if params else "")


def create_app(workspace: Path) -> FastAPI:
    """The ASGI app serving `workspace` read-only."""
    db = Database(workspace)
    templates = make_templates()
    app = FastAPI(
        title="storytrace explorer API",
        version="1",
        description="Read-only JSON API over a storytrace workspace: stories, pages, "
        "families, actors, outlets and search. Lists are paginated with limit/offset; "
        "`next_offset` is null on the last page.",
        docs_url=None,  # the Swagger UI loads its script from a CDN: not offline
        redoc_url=None,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        html = templates.get_template(name).render(request=request, **context)
        return HTMLResponse(html, status_code=status)

    def found(value, what: str):
        if value is None:
            raise HTTPException(404, f"No such {what}.")
        return value

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith(("/api/", "/openapi", "/static/")):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return render(request, "error.html", exc.status_code, message=exc.detail)

    # JSON API --------------------------------------------------------------------------

    @app.get("/api/overview", tags=["overview"])
    def api_overview() -> dict:
        """Row counts of the workspace tables (0 for stages that have not run)."""
        return queries.overview(db)

    @app.get("/api/narratives", tags=["stories"])
    def api_narratives(limit: Limit = 50, offset: Offset = 0) -> dict:
        """Narratives (long threads of stories), biggest first."""
        return queries.narratives(db, limit, offset)

    @app.get("/api/stories", tags=["stories"])
    def api_stories(
        narrative: str | None = None,
        date_from: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
        date_to: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
        outlet: str | None = None,
        lang: str | None = None,
        actor: Annotated[
            str | None, Query(description="An actor id, or a name in any spelling.")
        ] = None,
        sort: Annotated[str, Query(pattern="^(size|recent|oldest)$")] = "size",
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict:
        """Stories filtered by narrative, dates, outlet, language and actor."""
        return queries.stories(db, narrative, date_from, date_to, outlet, lang, actor, sort,
                               limit, offset)

    @app.get("/api/stories/{story_id:path}", tags=["stories"])
    def api_story(story_id: str) -> dict:
        """One story: origin, timeline, families as trees, outlets, languages, actors,
        quotes."""
        return found(queries.story(db, story_id), "story")

    @app.get("/api/story-pages/{story_id:path}", tags=["stories"])
    def api_story_pages(story_id: str, limit: Limit = 100, offset: Offset = 0) -> dict:
        """The pages of one story, earliest first."""
        return queries.story_pages(db, story_id, limit, offset)

    @app.get("/api/pages/{page_id:path}", tags=["pages"])
    def api_page(page_id: str, raw: bool = False) -> dict:
        """One page: clean text, metadata, family, story, actors, quotes (`raw=true` adds
        the raw input)."""
        return found(queries.page(db, page_id, with_raw=raw), "page")

    @app.get("/api/diff/{page_id:path}", tags=["pages"])
    def api_diff(page_id: str) -> dict:
        """The page against its parent in its family: word diff, or side by side for a
        translation."""
        found(queries.page_summary(db, page_id), "page")
        return found(queries.parent_comparison(db, page_id), "parent for this page")

    @app.get("/api/families", tags=["pages"])
    def api_families(
        limit: Limit = 50,
        offset: Offset = 0,
        outlet: Annotated[str | None, Query(description="Families with a page from it.")] = None,
        min_size: Annotated[int, Query(ge=1, description="Smallest family (pages).")] = 2,
    ) -> dict:
        """Article families (one text and its copies), biggest first: original, copies by
        kind, languages."""
        return queries.families(db, outlet, min_size, limit, offset)

    @app.get("/api/compare", tags=["pages"])
    def api_compare(a: str, b: str) -> dict:
        """Whether two pages are one text, with the pair evidence and every check the
        classifier made (for pages linked or not)."""
        return found(queries.compare(db, a, b), "page pair")

    @app.get("/api/actors", tags=["actors"])
    def api_actors(limit: Limit = 50, offset: Offset = 0) -> dict:
        """Actors by name."""
        return queries.actors(db, limit, offset)

    @app.get("/api/actors/{actor_id:path}", tags=["actors"])
    def api_actor(actor_id: str) -> dict:
        """One actor: spellings, stories, quotes."""
        return found(queries.actor(db, actor_id), "actor")

    @app.get("/api/actor-pages/{actor_id:path}", tags=["actors"])
    def api_actor_pages(actor_id: str, limit: Limit = 50, offset: Offset = 0) -> dict:
        """Pages mentioning one actor, newest first, with the spellings used."""
        return queries.actor_pages(db, actor_id, limit, offset)

    @app.get("/api/quotes/{quote_id:path}", tags=["actors"])
    def api_quote(quote_id: str) -> dict:
        """One quote: speaker and every appearance in travel order, with word diffs."""
        return found(queries.quote(db, quote_id), "quote")

    @app.get("/api/outlets", tags=["outlets"])
    def api_outlets(limit: Limit = 100, offset: Offset = 0) -> dict:
        """Outlets, most pages first."""
        return queries.outlets(db, limit, offset)

    @app.get("/api/outlets/{name:path}", tags=["outlets"])
    def api_outlet(name: str) -> dict:
        """One outlet: whom it copies (median lag in days) and who copies it."""
        return found(queries.outlet(db, name), "outlet")

    @app.get("/api/outlet-pages/{name:path}", tags=["outlets"])
    def api_outlet_pages(name: str, limit: Limit = 50, offset: Offset = 0) -> dict:
        """Pages of one outlet, newest first."""
        return queries.outlet_pages(db, name, limit, offset)

    @app.get("/api/network", tags=["outlets"])
    def api_network(
        max_edges: Annotated[int, Query(ge=1, le=2000)] = 400,
        max_nodes: Annotated[int, Query(ge=2, le=1000)] = 150,
        outlet: Annotated[str | None, Query(description="Only this outlet's neighbours.")] = None,
    ) -> dict:
        """The outlet network: nodes and weighted copy edges (source -> copier)."""
        return queries.outlet_network(db, max_edges, max_nodes, outlet)

    @app.get("/api/search", tags=["search"])
    def api_search(q: str = "", limit: Limit = 20, offset: Offset = 0) -> dict:
        """Full-text search over clean text; actor names also match their other
        spellings."""
        return queries.search(db, q, limit, offset)

    @app.get("/api/semantic", tags=["search"])
    def api_semantic(q: str = "", limit: Limit = 20) -> dict:
        """Pages closest in meaning to `q` (needs the match stage's embeddings)."""
        return {"q": q, "available": semantic.available(db),
                "items": semantic.nearest(db, q, limit)}

    # HTML pages ------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, offset: Offset = 0):
        return render(request, "home.html", counts=queries.overview(db),
                      narratives=queries.narratives(db, 50, offset),
                      top=queries.stories(db, sort="size", limit=10))

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(
        request: Request,
        narrative: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        outlet: str | None = None,
        lang: str | None = None,
        actor: str | None = None,
        sort: str = "size",
        offset: Offset = 0,
    ):
        filters = {"narrative": narrative, "date_from": date_from, "date_to": date_to,
                   "outlet": outlet, "lang": lang, "actor": actor}
        filters = {k: (v or None) for k, v in filters.items()}
        result = queries.stories(db, **filters, sort=sort, limit=50, offset=offset)
        return render(request, "stories.html", result=result, filters=filters, sort=sort,
                      narrative=queries.narrative(db, narrative) if narrative else None)

    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str, offset: Offset = 0):
        story = found(queries.story(db, story_id), "story")
        return render(request, "story.html", story=story,
                      chart=charts.timeline(story["timeline"]),
                      pages=queries.story_pages(db, story_id, 100, offset))

    @app.get("/pages/{page_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def page_page(request: Request, page_id: str):
        page = found(queries.page(db, page_id, with_raw=True), "page")
        return render(request, "page.html", page=page,
                      comparison=queries.parent_comparison(db, page_id))

    @app.get("/families", response_class=HTMLResponse, include_in_schema=False)
    def families_page(request: Request, outlet: str | None = None, offset: Offset = 0):
        return render(request, "families.html", outlet=outlet or "",
                      result=queries.families(db, outlet, 2, 50, offset))

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(request: Request, a: str = "", b: str = ""):
        result = queries.compare(db, a, b) if a and b else None
        if a and b and result is None:
            raise HTTPException(404, "One of these pages is not in the workspace.")
        return render(request, "compare.html", a=a, b=b, result=result)

    @app.get("/actors", response_class=HTMLResponse, include_in_schema=False)
    def actors_page(request: Request, offset: Offset = 0):
        return render(request, "actors.html", result=queries.actors(db, 100, offset))

    @app.get("/actors/{actor_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def actor_page(request: Request, actor_id: str, offset: Offset = 0):
        actor = found(queries.actor(db, actor_id), "actor")
        return render(request, "actor.html", actor=actor,
                      pages=queries.actor_pages(db, actor_id, 50, offset))

    @app.get("/quotes/{quote_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def quote_page(request: Request, quote_id: str):
        return render(request, "quote.html", quote=found(queries.quote(db, quote_id), "quote"))

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page(request: Request, offset: Offset = 0):
        return render(request, "outlets.html", result=queries.outlets(db, 100, offset))

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(request: Request, name: str, offset: Offset = 0):
        outlet = found(queries.outlet(db, name), "outlet")
        return render(request, "outlet.html", outlet=outlet,
                      pages=queries.outlet_pages(db, name, 50, offset))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = "", offset: Offset = 0, semantic_: Annotated[
            bool, Query(alias="semantic")] = False):
        result = queries.search(db, q, 20, offset)
        similar = semantic.nearest(db, q, 20) if semantic_ and offset == 0 else []
        return render(request, "search.html", q=q, result=result, similar=similar,
                      semantic_on=semantic_, semantic_available=semantic.available(db),
                      has_index=db.has("pages_fts"))

    return app
