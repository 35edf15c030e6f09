"""The explorer over real HTTP: JSON API, OpenAPI document, security headers, escaping."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from test_web_support import HOSTILE_ID, dev_workspace, require_corpus, running_server


@pytest.fixture(scope="module")
def client():
    require_corpus()
    with running_server(dev_workspace()) as base, httpx.Client(base_url=base, timeout=60) as c:
        yield c


def pid(page_id: str) -> str:
    return quote(page_id, safe="")


def all_items(client: httpx.Client, path: str, limit: int = 2) -> list[dict]:
    """Walk a paginated list to its end with a small page size."""
    items, offset = [], 0
    while offset is not None:
        body = client.get(path, params={"limit": limit, "offset": offset}).json()
        assert len(body["items"]) <= limit
        items += body["items"]
        offset = body["next_offset"]
    return items


def test_openapi_document_is_valid(client):
    from openapi_spec_validator import validate

    spec = client.get("/openapi.json").json()
    validate(spec)
    paths = spec["paths"]
    for path in (
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/pages/{page_id}",
        "/api/actors/{actor_id}",
        "/api/outlets",
        "/api/search",
    ):
        assert path in paths
    listed = [
        p
        for p in paths
        if p in ("/api/stories", "/api/actors", "/api/outlets", "/api/narratives", "/api/search")
    ]
    for path in listed:
        names = {param["name"] for param in paths[path]["get"]["parameters"]}
        assert {"limit", "offset"} <= names, path


def test_security_headers_on_every_kind_of_response(client):
    for path in ("/", "/api/overview", "/static/app.js", "/api/pages/no-such-page"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"


def test_static_files_do_not_escape_their_folder(client):
    for raw in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py"):
        response = client.get(raw)
        assert response.status_code == 404, raw
        assert "create_app" not in response.text


def test_server_is_read_only(client):
    assert client.post("/api/stories").status_code == 405
    assert client.delete(f"/api/pages/{pid(HOSTILE_ID)}").status_code == 405


def test_story_list_paginates_and_sorts(client):
    stories = all_items(client, "/api/stories")
    assert len(stories) >= 2
    assert len({s["id"] for s in stories}) == len(stories)
    sizes = [s["n_pages"] for s in stories]
    assert sizes == sorted(sizes, reverse=True)
    recent = client.get("/api/stories", params={"sort": "recent"}).json()["items"]
    assert {s["id"] for s in recent} == {s["id"] for s in stories}
    assert client.get("/api/stories", params={"limit": 0}).status_code == 422


def test_story_detail_has_timeline_families_and_pages(client):
    biggest = client.get("/api/stories", params={"limit": 1}).json()["items"][0]
    story = client.get(f"/api/stories/{biggest['id']}").json()
    assert story["n_pages"] == biggest["n_pages"]
    assert sum(o["n"] for o in story["outlets"]) == story["n_pages"]
    assert story["timeline"] and all(row["n"] >= 1 for row in story["timeline"])
    family_sizes = sum(f["size"] for f in story["families"])
    assert family_sizes == story["n_pages"]
    pages = all_items(client, f"/api/story-pages/{biggest['id']}", limit=3)
    assert len(pages) == story["n_pages"]


def test_filters_narrow_the_story_list(client):
    story = client.get("/api/stories", params={"limit": 1}).json()["items"][0]
    detail = client.get(f"/api/stories/{story['id']}").json()
    outlet = detail["outlets"][0]["outlet"]
    by_outlet = client.get("/api/stories", params={"outlet": outlet}).json()["items"]
    assert story["id"] in [s["id"] for s in by_outlet]
    lang = detail["langs"][0]["lang"]
    assert story["id"] in [
        s["id"] for s in client.get("/api/stories", params={"lang": lang}).json()["items"]
    ]
    nothing = client.get("/api/stories", params={"outlet": "no-such-outlet.example"}).json()
    assert nothing["items"] == [] and nothing["next_offset"] is None


def test_page_ids_that_are_urls_round_trip(client):
    page = client.get(f"/api/pages/{pid(HOSTILE_ID)}", params={"raw": "true"}).json()
    assert page["id"] == HOSTILE_ID
    assert "<script>" in page["raw"]
    assert client.get("/api/pages/no-such-page").status_code == 404


def test_hostile_page_is_escaped_in_html(client):
    html = client.get(f"/pages/{pid(HOSTILE_ID)}").text
    assert "<script>window.__pwned" not in html
    assert 'onerror="window' not in html
    assert "&lt;script&gt;window.__pwned" in html
    scripts = html.count("<script")
    assert scripts == 1  # only our own /static/app.js


def test_diff_rebuilds_both_texts(client):
    """A word diff is exact: equal+delete parts give the parent, equal+insert the page."""
    compared = 0
    for story in all_items(client, "/api/stories", limit=50):
        for page in all_items(client, f"/api/story-pages/{story['id']}", limit=50):
            response = client.get(f"/api/diff/{pid(page['id'])}")
            if response.status_code == 404:
                continue
            diff = response.json()
            if diff["mode"] != "diff":
                assert diff["mode"] == "side_by_side"
                continue
            parts = diff["parts"]
            old = "".join(p["text"] for p in parts if p["op"] in ("equal", "delete"))
            new = "".join(p["text"] for p in parts if p["op"] in ("equal", "insert"))
            assert old == diff["parent"]["text"] and new == diff["page"]["text"]
            assert 0 <= diff["similarity"] <= 1
            compared += 1
    assert compared >= 1


def test_search_finds_an_actor_under_all_spellings(client):
    body = client.get("/api/search", params={"q": "Shoigu", "limit": 50}).json()
    spellings = {s for actor in body["actors"] for s in actor["spellings"]}
    assert {"Shoigu", "Shoygu"} <= {word for s in spellings for word in s.split()}
    ids = [item["id"] for item in body["items"]]
    assert "libya-2021-marsad" in ids  # says only "Shoygu"
    marsad = next(i for i in body["items"] if i["id"] == "libya-2021-marsad")
    assert any(part["hit"] and "Shoygu" in part["text"] for part in marsad["snippet"])


def test_search_input_cannot_inject_fts_syntax(client):
    for q in ('"', "NEAR(", "a OR", "*", "title:x", ") AND (", "'; DROP TABLE pages; --"):
        response = client.get("/api/search", params={"q": q})
        assert response.status_code == 200, q
    assert client.get("/search", params={"q": "<script>alert(1)</script>"}).status_code == 200


def test_actor_outlet_and_network_endpoints(client):
    actor = client.get("/api/search", params={"q": "Shoigu"}).json()["actors"][0]
    detail = client.get(f"/api/actors/{actor['id']}").json()
    assert detail["name"] == actor["name"] and detail["n_pages"] >= 1
    pages = all_items(client, f"/api/actor-pages/{actor['id']}", limit=5)
    assert len(pages) == detail["n_pages"]
    outlets = all_items(client, "/api/outlets", limit=10)
    assert sum(o["n_pages"] for o in outlets) <= client.get("/api/overview").json()["pages"]
    network = client.get("/api/network").json()
    names = {n["id"] for n in network["nodes"]}
    assert all(e["source"] in names and e["target"] in names for e in network["edges"])
    if network["edges"]:
        edge = network["edges"][0]
        target = client.get(f"/api/outlets/{pid(edge['target'])}").json()
        assert edge["source"] in [link["source"] for link in target["copies_from"]]
        near = client.get("/api/network", params={"outlet": edge["target"]}).json()
        assert all(edge["target"] in (e["source"], e["target"]) or
                   {e["source"], e["target"]} <= {n["id"] for n in near["nodes"]}
                   for e in near["edges"])
        assert edge["target"] in {n["id"] for n in near["nodes"]}
    small = client.get("/api/network", params={"max_nodes": 3}).json()
    assert len(small["nodes"]) <= 3


def test_html_pages_render(client):
    story = client.get("/api/stories", params={"limit": 1}).json()["items"][0]
    for path in (
        "/",
        "/stories",
        f"/stories/{story['id']}",
        "/actors",
        "/outlets",
        "/search?q=Libya",
        "/stories?sort=recent&lang=en",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
    assert client.get("/stories/999999").status_code == 404


def test_semantic_search_uses_the_stored_page_vectors(client):
    body = client.get("/api/semantic", params={
        "q": "Russia's defence minister welcomed military cooperation with Libya's prime "
             "minister in Moscow", "limit": 5}).json()
    assert body["available"] is True
    ids = [item["id"] for item in body["items"]]
    assert len(ids) == 5 and len(set(ids)) == 5
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert any(i.startswith("libya-2021-") for i in ids[:3])


def test_a_workspace_before_analysis_shows_empty_states(tmp_path):
    """Ingested but not analysed: every page renders, lists are empty, nothing fails."""
    require_corpus()
    from test_web_support import CORPUS

    from storytrace.ingest import ingest_paths
    from storytrace.store import Workspace

    with Workspace.open(tmp_path / "ws") as ws:
        ingest_paths(ws, [CORPUS / "seeds"])
        page_id = ws.page_ids()[0]
    with running_server(tmp_path / "ws") as base, httpx.Client(base_url=base) as c:
        for path in ("/", "/stories", "/actors", "/outlets", "/search?q=Libya",
                     f"/pages/{pid(page_id)}", "/api/network", "/api/semantic?q=Libya"):
            assert c.get(path).status_code == 200, path
        assert c.get("/api/stories").json()["items"] == []
        assert "the cluster stage has not run" in c.get("/stories").text
        assert c.get(f"/api/diff/{pid(page_id)}").status_code == 404


def test_story_filter_accepts_an_actor_name_in_any_spelling(client):
    actor = client.get("/api/search", params={"q": "Shoigu"}).json()["actors"][0]
    by_id = {s["id"] for s in client.get("/api/stories", params={"actor": actor["id"]})
             .json()["items"]}
    by_spelling = {s["id"] for s in client.get("/api/stories", params={"actor": "Shoygu"})
                   .json()["items"]}
    assert by_id and by_id <= by_spelling
    assert client.get("/api/stories", params={"actor": "Nobody Atall"}).json()["items"] == []


def test_quote_travel_lists_every_appearance(client):
    story = client.get("/api/stories", params={"limit": 1}).json()["items"][0]
    quotes = client.get(f"/api/stories/{story['id']}").json()["quotes"]
    if not quotes:
        pytest.skip("the actors stage found no quote in the biggest story")
    detail = client.get(f"/api/quotes/{quotes[0]['id']}").json()
    pages = {a["page_id"] for a in detail["appearances"]}
    assert len(pages) == quotes[0]["n_pages"]
    assert detail["first_page"] in pages
    html = client.get(f"/quotes/{quotes[0]['id']}").text
    assert "How it travelled" in html
    assert client.get("/api/quotes/999999").status_code == 404


def test_page_view_explains_the_link_to_its_parent(client):
    rewrite = "000_860aa38227ee2f93"  # seed 000 rewrites seed 001
    roots = client.get(f"/api/pages/{rewrite}").json()["family"]["roots"]
    why = {c["id"]: c["why"] for root in roots for c in root["children"]}
    assert why[rewrite].startswith("linked as rewrite")
    assert "sentences aligned" in client.get(f"/pages/{rewrite}").text
    story = client.get(f"/api/pages/{rewrite}").json()["story"]
    families = client.get(f"/api/stories/{story['id']}").json()["families"]
    nodes = [c for f in families for root in f["roots"] for c in root["children"]]
    assert any(n["id"] == rewrite and n["why"].startswith("linked as") for n in nodes)


def test_compare_gives_the_verdict_and_checks_for_any_two_pages(client):
    rewrite, original = "000_860aa38227ee2f93", "001_7f4da93e7288df3c"
    body = client.get("/api/compare", params={"a": rewrite, "b": original}).json()
    assert body["relation"] == "rewrite" and body["same_family"]
    assert body["checks"][0].startswith("pass")
    apart = client.get(
        "/api/compare", params={"a": rewrite, "b": "002_d4fe8bf4671f7d50"}
    ).json()
    assert apart["relation"] == "unrelated" and any(c.startswith("fail") for c in apart["checks"])
    html = client.get("/compare", params={"a": rewrite, "b": original}).text
    assert "one-text probability" in html and 'class="pass"' in html
    assert client.get("/compare").status_code == 200  # the empty form
    missing = client.get("/api/compare", params={"a": rewrite, "b": "no-such-page"})
    assert missing.status_code == 404


def test_families_list_biggest_first_with_copies_by_kind(client):
    items = all_items(client, "/api/families", limit=2)
    assert items and [f["size"] for f in items] == sorted((f["size"] for f in items), reverse=True)
    assert all(f["size"] >= 2 and f["original"] for f in items)
    rt = client.get("/api/families", params={"outlet": "rt.com"}).json()["items"]
    assert rt and all(f["size"] >= 2 for f in rt)
    html = client.get("/families").text
    assert "Article families" in html and "rel-verbatim" in html
