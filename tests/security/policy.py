"""Who may open which URL: the declared policy that tests/security/test_url_policy.py checks.

One entry per URL pattern of the project, keyed by its name with its namespace (an unnamed
pattern by its route). A pattern without an entry fails the test, so a new page cannot ship
without someone deciding who may see it.

The table is written out by hand on purpose, beside `organisation.permissions.POLICY` rather
than derived from it: the test checks the views against this table and this table against
POLICY (each entry names the action that decides it), so changing who may see a page takes two
deliberate edits, and a view that forgets its check fails even where POLICY is right.

Each entry says, per method, who may use the URL (`Access.who`), the action of the one
permission policy that decides it, and whether it is scoped to the committee that owns the
object in the URL. The matrix's objects belong to KS: `Who.CASEWORKER` is KS's caseworker and
`Who.CASEWORKER_OTHER` SN's. Everyone not allowed is refused: a visitor who is not signed in is
sent to log in, a signed-in user gets 403 or 404 (following the admin site's redirect to its
login, which refuses anyone signed in), and the API answers 401 without a key and 403 for a key
whose user lacks the right.
"""

from dataclasses import dataclass

from helhetsbild.organisation.permissions import Action
from tests.security.world import Who

EVERYONE = frozenset(Who)
ANONYMOUS = frozenset({Who.ANONYMOUS})
SIGNED_IN = EVERYONE - ANONYMOUS
WITH_ROLE = SIGNED_IN - {Who.NO_ROLE}
CASEWORKERS = frozenset({Who.CASEWORKER, Who.CASEWORKER_OTHER})
OWN_CASEWORKER = frozenset({Who.CASEWORKER})  # KS's, whose objects fill the URLs
ANALYST = frozenset({Who.ANALYST})
CONTROLLER = frozenset({Who.CONTROLLER})
READER = frozenset({Who.READER})
ADMIN = frozenset({Who.ADMIN})
NOBODY: frozenset[Who] = frozenset()


@dataclass(frozen=True)
class Access:
    who: frozenset[Who]
    # The action of `permissions.POLICY` that decides; None where no role does (public pages,
    # any signed-in user, Django's admin site, which goes by is_staff and model permissions).
    action: Action | None = None
    # Only for the committee that owns the object in the URL: KS's caseworker, not SN's.
    scoped: bool = False


@dataclass(frozen=True)
class Rule:
    # Who may GET; None for a URL that takes only POST (GET answers 405).
    get: Access | None
    # Who may POST, for a URL whose POST changes or reveals something; None: not checked.
    post: Access | None = None
    # What those allowed get on GET: the page, or a redirect that is part of the flow; and
    # where some of them get something else, what.
    answer: int = 200
    answers: dict[Who, int] | None = None
    public: bool = False  # no login needed: a visitor who is not signed in gets `answer` too
    api: bool = False  # authenticated by the user's API key, not the session
    why: str = ""


def _aggregates() -> Rule:
    return Rule(get=Access(WITH_ROLE, Action.AGGREGATE_VIEW))


def _api() -> Rule:
    return Rule(get=Access(WITH_ROLE, Action.AGGREGATE_VIEW), api=True)


def _admin_only(answer: int = 200) -> Rule:
    return Rule(get=Access(ADMIN), answer=answer, why="Django's admin: is_staff")


NOT_EVEN_ADMIN = Rule(get=Access(NOBODY), why="Django's admin refuses everyone")


def _admin_model(app: str, model: str, *, add: bool = True, delete: bool = True) -> dict[str, Rule]:
    """The six URLs Django's admin gives a registered model. A model registered without an entry
    here fails the test: deciding to show a table in the admin is deciding who sees it."""
    app_model = f"{app}_{model}"
    return {
        f"admin:{app_model}_changelist": _admin_only(),
        f"admin:{app_model}_add": _admin_only() if add else NOT_EVEN_ADMIN,
        f"admin:{app_model}_history": _admin_only(),
        f"admin:{app_model}_delete": _admin_only() if delete else NOT_EVEN_ADMIN,
        f"admin:{app_model}_change": _admin_only(),
        # Django's old address of the change page, kept as a redirect to it.
        f"admin:admin/{app}/{model}/<path:object_id>/": _admin_only(answer=302),
    }


URL_POLICY: dict[str, Rule] = {
    # --- logging in and out --------------------------------------------------------------------
    "home": Rule(get=Access(SIGNED_IN), why="the start page says which roles one has"),
    "login": Rule(
        get=Access(EVERYONE),
        public=True,
        answers=dict.fromkeys(SIGNED_IN, 302),
        why="whoever is signed in already is sent to the start page",
    ),
    "logout": Rule(get=None, post=Access(EVERYONE), public=True),
    "login_code": Rule(
        get=Access(EVERYONE),
        answer=302,
        public=True,
        why="the code after the password; without a login under way, back to the login",
    ),
    "oidc_authentication_init": Rule(
        get=Access(EVERYONE),
        answer=404,
        public=True,
        why="only where single sign-on is configured (tests/organisation/test_oidc.py)",
    ),
    "oidc_authentication_callback": Rule(
        get=Access(EVERYONE),
        answer=404,
        public=True,
        why="as above",
    ),
    "admin_login": Rule(
        get=Access(ANONYMOUS),
        answer=302,
        public=True,
        why="the admin site logs in through the one login page; the signed-in are refused",
    ),
    # --- imports: the committee's own files ----------------------------------------------------
    "imports:upload": Rule(
        get=Access(CASEWORKERS, Action.IMPORT_RUN), post=Access(CASEWORKERS, Action.IMPORT_RUN)
    ),
    "imports:history": Rule(get=Access(CASEWORKERS | ADMIN, Action.IMPORT_VIEW)),
    "imports:batch": Rule(get=Access(OWN_CASEWORKER | ADMIN, Action.IMPORT_VIEW, scoped=True)),
    "imports:batch_report_csv": Rule(
        get=Access(OWN_CASEWORKER | ADMIN, Action.IMPORT_VIEW, scoped=True)
    ),
    "imports:quarantine": Rule(get=Access(CASEWORKERS, Action.IMPORT_RUN)),
    "imports:quarantine_csv": Rule(
        get=Access(OWN_CASEWORKER | ADMIN, Action.IMPORT_VIEW, scoped=True),
        why="the admin gets the file without rows: the rows need import.run",
    ),
    "imports:quarantine_row": Rule(
        get=Access(OWN_CASEWORKER, Action.IMPORT_RUN, scoped=True),
        post=Access(OWN_CASEWORKER, Action.IMPORT_RUN, scoped=True),
    ),
    # --- the register: identified persons, the committee's own caseworkers only ----------------
    "register:persons": Rule(
        get=Access(OWN_CASEWORKER, Action.REGISTER_VIEW, scoped=True),
        post=Access(OWN_CASEWORKER, Action.REGISTER_VIEW, scoped=True),
    ),
    "register:person": Rule(get=Access(OWN_CASEWORKER, Action.PERSON_VIEW_IDENTIFIED, scoped=True)),
    # --- analysis: aggregates after disclosure control, journeys for analysts ------------------
    "analysis:overview": _aggregates(),
    "analysis:catalogue": _aggregates(),
    "analysis:indicator": _aggregates(),
    "analysis:download": _aggregates(),
    "analysis:journey": _aggregates(),
    "analysis:journey_open": Rule(get=None, post=Access(ANALYST, Action.JOURNEY_OPEN)),
    "economy:overview": Rule(
        get=Access(WITH_ROLE, Action.AGGREGATE_VIEW),
        post=Access(CONTROLLER, Action.COMPENSATION_VIEW),
        why="a POST looks up a person by personnummer",
    ),
    "economy:claims": Rule(
        get=Access(CONTROLLER, Action.CLAIM_MANAGE), why="claims to Migrationsverket"
    ),
    "economy:claim_edit": Rule(
        get=None, post=Access(CONTROLLER, Action.CLAIM_MANAGE), why="records a claim"
    ),
    "economy:claim_person": Rule(
        get=None, post=Access(CONTROLLER, Action.CLAIM_MANAGE), why="shows a personnummer"
    ),
    "economy:claims_export": Rule(
        get=None, post=Access(CONTROLLER, Action.CLAIM_MANAGE), why="exports personnummer"
    ),
    "economy:payments_upload": Rule(
        get=None,
        post=Access(CONTROLLER, Action.CLAIM_MANAGE),
        why="imports Migrationsverket's payments",
    ),
    # --- the API: aggregates, by key ----------------------------------------------------------
    "api:openapi": Rule(get=Access(EVERYONE), public=True, why="the description of the API"),
    "api:indicators": _api(),
    "api:indicator": _api(),
    "api:indicator_results": _api(),
    "api:results": _api(),
    # --- goals ---------------------------------------------------------------------------------
    "goals:tree": Rule(get=Access(WITH_ROLE, Action.GOAL_VIEW)),
    "goals:goal": Rule(get=Access(WITH_ROLE, Action.GOAL_VIEW)),
    "goals:thread": Rule(get=Access(WITH_ROLE, Action.GOAL_VIEW)),
    "goals:goal_add": Rule(
        get=Access(ANALYST | ADMIN, Action.GOAL_EDIT),
        post=Access(ANALYST | ADMIN, Action.GOAL_EDIT),
    ),
    "goals:indicator_add": Rule(
        get=Access(ANALYST | ADMIN, Action.GOAL_EDIT),
        post=Access(ANALYST | ADMIN, Action.GOAL_EDIT),
    ),
    "goals:target_set": Rule(get=None, post=Access(ANALYST | ADMIN, Action.GOAL_EDIT)),
    "goals:outcome_add": Rule(
        get=None,
        post=Access(OWN_CASEWORKER | ANALYST, Action.GOAL_ASSESS, scoped=True),
    ),
    "goals:assess": Rule(
        get=None,
        post=Access(OWN_CASEWORKER | ANALYST, Action.GOAL_ASSESS, scoped=True),
    ),
    "goals:year_copy": Rule(get=None, post=Access(ANALYST | ADMIN, Action.GOAL_EDIT)),
    "goals:period_close": Rule(get=None, post=Access(ANALYST | ADMIN, Action.GOAL_EDIT)),
    # --- audits and action plans: public documents ---------------------------------------------
    "plans:audits": Rule(get=Access(WITH_ROLE, Action.AUDIT_VIEW)),
    "plans:audit": Rule(get=Access(WITH_ROLE, Action.AUDIT_VIEW)),
    "plans:export": Rule(get=Access(WITH_ROLE, Action.AUDIT_VIEW)),
    "plans:actions": Rule(get=Access(WITH_ROLE, Action.AUDIT_VIEW)),
    "plans:import": Rule(
        get=Access(ANALYST | ADMIN, Action.AUDIT_EDIT),
        post=Access(ANALYST | ADMIN, Action.AUDIT_EDIT),
    ),
    "plans:new": Rule(
        get=Access(ANALYST | ADMIN, Action.AUDIT_EDIT),
        post=Access(ANALYST | ADMIN, Action.AUDIT_EDIT),
    ),
    "plans:action_new": Rule(
        get=Access(CASEWORKERS | ANALYST, Action.ACTION_UPDATE),
        post=Access(CASEWORKERS | ANALYST, Action.ACTION_UPDATE),
        why="an action is added for one of the user's own committees",
    ),
    "plans:action": Rule(
        get=Access(WITH_ROLE, Action.AUDIT_VIEW),
        post=Access(OWN_CASEWORKER | ANALYST, Action.ACTION_UPDATE, scoped=True),
    ),
    # --- reports: aggregates, written by the committees ----------------------------------------
    "reports:list": Rule(get=Access(WITH_ROLE, Action.REPORT_VIEW)),
    "reports:report": Rule(get=Access(WITH_ROLE, Action.REPORT_VIEW)),
    "reports:download": Rule(get=Access(WITH_ROLE, Action.REPORT_VIEW)),
    "reports:create": Rule(
        get=None,
        post=Access(CASEWORKERS | ANALYST, Action.REPORT_EDIT),
        why="a caseworker starts their own committee's report",
    ),
    "reports:mark": Rule(
        get=None, post=Access(OWN_CASEWORKER | ANALYST, Action.REPORT_EDIT, scoped=True)
    ),
    "reports:archive": Rule(get=None, post=Access(ANALYST, Action.REPORT_ARCHIVE)),
    # --- the access log -------------------------------------------------------------------------
    "accesslog:review": Rule(
        get=Access(ADMIN, Action.ACCESS_LOG_REVIEW), post=Access(ADMIN, Action.ACCESS_LOG_REVIEW)
    ),
    "accesslog:samples": Rule(get=Access(READER | ADMIN, Action.ACCESS_LOG_OVERSIGHT)),
    "accesslog:month": Rule(
        get=Access(ADMIN, Action.ACCESS_LOG_REVIEW), post=Access(ADMIN, Action.ACCESS_LOG_REVIEW)
    ),
    "accesslog:subject_report": Rule(
        get=Access(ADMIN, Action.ACCESS_LOG_SUBJECT_REPORT),
        post=Access(ADMIN, Action.ACCESS_LOG_SUBJECT_REPORT),
    ),
    # --- Django's admin site: the admin role (staff and superuser through single sign-on) ------
    "admin:index": _admin_only(),
    "admin:login": Rule(
        get=Access(ANONYMOUS),
        answer=302,
        public=True,
        why="hidden by admin_login, which comes first in urls.py",
    ),
    "admin:logout": Rule(get=None, post=Access(ADMIN), why="Django's admin: is_staff"),
    "admin:password_change": _admin_only(),
    "admin:password_change_done": _admin_only(),
    "admin:jsi18n": _admin_only(),
    "admin:app_list": _admin_only(),
    "admin:autocomplete": Rule(get=Access(NOBODY), why="only with the parameters of a form"),
    "admin:view_on_site": Rule(get=Access(NOBODY), why="no model shown has a page of its own"),
    "admin:admin/(?P<url>.*)$": Rule(get=Access(NOBODY), why="anything else under /admin/"),
    "admin:auth_user_password_change": _admin_only(),
    **_admin_model("auth", "user"),
    **_admin_model("auth", "group"),
    **_admin_model("organisation", "committee"),
    **_admin_model("organisation", "grouprolemapping"),
    # The access log is read-only for everyone; it is reviewed on /logg/.
    **_admin_model("accesslog", "accessevent", add=False, delete=False),
    # Keys are revoked, never deleted.
    **_admin_model("api", "apitoken", delete=False),
    # Goals and their history are written through the goal pages and kept.
    **_admin_model("goals", "goalperiod", add=False, delete=False),
    **_admin_model("goals", "goal", add=False, delete=False),
    **_admin_model("goals", "goalindicator", add=False, delete=False),
    **_admin_model("goals", "target", add=False, delete=False),
    **_admin_model("goals", "outcome", add=False, delete=False),
    **_admin_model("goals", "assessment", add=False, delete=False),
    **_admin_model("goals", "statusrecord", add=False, delete=False),
    **_admin_model("plans", "audit"),
    **_admin_model("plans", "action"),
    # django-axes's lockout records: written by axes, cleared by an admin.
    **_admin_model("axes", "accessattempt", add=False),
    **_admin_model("axes", "accesslog", add=False),
    **_admin_model("axes", "accessfailurelog", add=False),
    **_admin_model("otp_totp", "totpdevice"),
    # The task worker's queue (the rebuilds after imports): read-only, to see why one failed.
    **_admin_model("django_tasks_database", "dbtaskresult", add=False, delete=False),
    "admin:otp_totp_totpdevice_config": _admin_only(),
    "admin:otp_totp_totpdevice_qrcode": _admin_only(),
}
