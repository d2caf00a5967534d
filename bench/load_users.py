"""The virtual users of the load test (bench/load.py): readers, analysts and a caseworker, each a
browser of its own that signs in once and then visits pages as a person would.

A browser keeps its cookies and one connection, and follows no redirect by itself: a redirect is
one timed response, as in a browser's network panel. Every response is recorded with its time
under the name of its page; a response other than the one the page should give (a sign-in page
instead of the overview, a form shown again instead of a redirect) or no response at all within
the time limit counts as an error.
"""

import csv
import http.client
import io
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

PASSWORD = "demo-helhetsbild"
USERNAMES = {"reader": "lasare", "analyst": "analytiker", "caseworker": "handlaggare.amn"}
TIMEOUT_S = 30.0

# The pages, in the order of the report's tables; Markdown code spans because of the <id>.
START = "`/` (start)"
OVERVIEW = "`/analys/` (overview)"
CATALOGUE = "`/analys/indikatorer/`"
INDICATOR = "`/analys/indikatorer/<id>/?period=`"
JOURNEY = "`/analys/resan/?ar=&kon=&malgrupp=`"
IMPORT_FORM = "`GET /import/`"
IMPORT_POST = "`POST /import/` (import; rebuild queued)"
BATCH = "`/import/omgang/<id>/`"
PAGES = (START, OVERVIEW, CATALOGUE, INDICATOR, JOURNEY, IMPORT_FORM, IMPORT_POST, BATCH)
# A reader mostly looks at indicators; the weights are a guess at a session, stated in the report.
READER_PAGES = {START: 1, OVERVIEW: 3, CATALOGUE: 2, INDICATOR: 4}
# The caseworker's file: this many rows of the committee's episodes, each with a new detail text,
# so that every upload is a new file that changes records and so rebuilds the analysis store.
IMPORT_ROWS = 20


@dataclass(frozen=True)
class Sample:
    page: str
    ms: float
    status: int  # 0: no response
    ok: bool


@dataclass(frozen=True)
class Response:
    status: int
    location: str
    text: str


class Browser:
    def __init__(self, port: int) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        self._cookies: dict[str, str] = {}

    def fetch(
        self, method: str, path: str, *, body: bytes = b"", content_type: str = ""
    ) -> Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self._cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            self._connection.request(method, path, body=body or None, headers=headers)
            response = self._connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self._connection.close()
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _equals, value = cookie.split(";", 1)[0].partition("=")
            if value.strip('"') and "max-age=0" not in cookie.lower():
                self._cookies[name.strip()] = value
            else:
                self._cookies.pop(name.strip(), None)
        return Response(response.status, response.headers.get("Location", ""), text)


class Recorder:
    """The responses of one run. Many user threads append; list.append is atomic in CPython."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []

    def request(
        self,
        browser: Browser,
        page: str,
        method: str,
        path: str,
        *,
        expect: int = 200,
        to: str = "",
        body: bytes = b"",
        content_type: str = "",
    ) -> Response | None:
        """The response if it is the one expected (status, and for a redirect where it leads)."""
        started = time.perf_counter()
        try:
            response = browser.fetch(method, path, body=body, content_type=content_type)
        except (OSError, http.client.HTTPException):
            self.samples.append(Sample(page, (time.perf_counter() - started) * 1000, 0, False))
            return None
        ms = (time.perf_counter() - started) * 1000
        ok = response.status == expect and response.location.startswith(to)
        self.samples.append(Sample(page, ms, response.status, ok))
        return response if ok else None


@dataclass(frozen=True)
class Site:
    """What the pages offer to choose from, read from the pages themselves before the run."""

    periods: dict[str, list[str]]  # indicator id -> its periods
    journey_choices: dict[str, list[str]]  # GET parameter -> its values ("" = all)
    import_header: list[str]
    import_rows: list[list[str]]


def discover(browser: Browser, recorder: Recorder, episodes: Path) -> Site:
    """Signed in as an analyst: the indicators and their periods, and the journey's filters."""
    catalogue = _required(recorder.request(browser, CATALOGUE, "GET", "/analys/indikatorer/"))
    ids = list(dict.fromkeys(re.findall(r'href="/analys/indikatorer/([\w-]+)/"', catalogue.text)))
    periods = {}
    for item in ids:
        page = _required(
            recorder.request(browser, INDICATOR, "GET", f"/analys/indikatorer/{item}/")
        )
        periods[item] = [value for value in options(page.text, "period") if value]
    journey = _required(recorder.request(browser, JOURNEY, "GET", "/analys/resan/"))
    choices = {name: options(journey.text, name) for name in ("ar", "kon", "malgrupp")}
    with episodes.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    return Site(periods, choices, rows[0], rows[1:])


def _required(response: Response | None) -> Response:
    if response is None:
        raise RuntimeError("a page needed to set up the load test did not answer as expected")
    return response


def options(html: str, name: str) -> list[str]:
    """The values of the <select name=…> in a page, in order."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.DOTALL)
    return [unescape(v) for v in re.findall(r'value="([^"]*)"', select.group(1))] if select else []


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def log_in(browser: Browser, recorder: Recorder, role: str) -> bool:
    form = recorder.request(browser, "`GET /logga-in/`", "GET", "/logga-in/")
    if form is None:
        return False
    fields = {
        "csrfmiddlewaretoken": csrf_token(form.text),
        "username": USERNAMES[role],
        "password": PASSWORD,
    }
    done = recorder.request(
        browser,
        "`POST /logga-in/`",
        "POST",
        "/logga-in/",
        expect=302,
        to="/",
        body=urlencode(fields).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    return done is not None


def reader_visit(browser: Browser, recorder: Recorder, site: Site, rng: random.Random) -> None:
    page = rng.choices(list(READER_PAGES), weights=list(READER_PAGES.values()))[0]
    if page == INDICATOR:
        item = rng.choice(list(site.periods))
        query = f"?period={rng.choice(site.periods[item])}" if site.periods[item] else ""
        recorder.request(browser, page, "GET", f"/analys/indikatorer/{item}/{query}")
    else:
        path = {START: "/", OVERVIEW: "/analys/", CATALOGUE: "/analys/indikatorer/"}[page]
        recorder.request(browser, page, "GET", path)


def analyst_visit(browser: Browser, recorder: Recorder, site: Site, rng: random.Random) -> None:
    """A cohort with random filters; now and then a later page of its journey codes."""
    query = {name: rng.choice(values) for name, values in site.journey_choices.items() if values}
    if rng.random() < 0.2:
        query["sida"] = str(rng.randint(2, 3))
    recorder.request(browser, JOURNEY, "GET", "/analys/resan/?" + urlencode(query))


def caseworker_visit(browser: Browser, recorder: Recorder, site: Site, rng: random.Random) -> None:
    """The upload form, a small file of changed episodes sent through it, and the batch page the
    upload leads to."""
    form = recorder.request(browser, IMPORT_FORM, "GET", "/import/")
    if form is None:
        return
    fields = {
        "csrfmiddlewaretoken": csrf_token(form.text),
        "committee": next((v for v in options(form.text, "committee") if v), ""),
        "kind": "insatser",
    }
    body, content_type = _multipart(fields, "insatser-AMN.csv", _import_file(site, rng))
    done = recorder.request(
        browser,
        IMPORT_POST,
        "POST",
        "/import/",
        expect=302,
        to="/import/omgang/",
        body=body,
        content_type=content_type,
    )
    if done is not None:
        recorder.request(browser, BATCH, "GET", done.location)


def _import_file(site: Site, rng: random.Random) -> bytes:
    detail = site.import_header.index("detalj")
    marker = f"belastningstest {rng.getrandbits(48):012x}"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(site.import_header)
    for row in rng.sample(site.import_rows, IMPORT_ROWS):
        writer.writerow([*row[:detail], marker, *row[detail + 1 :]])
    return out.getvalue().encode()


def _multipart(fields: dict[str, str], file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----helhetsbild-belastningstest"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


VISITS: dict[str, Callable[[Browser, Recorder, Site, random.Random], None]] = {
    "reader": reader_visit,
    "analyst": analyst_visit,
    "caseworker": caseworker_visit,
}
