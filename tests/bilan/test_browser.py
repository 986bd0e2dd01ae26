import pytest
from django.contrib.auth.models import Permission

from tests.conftest import attendre_fin_des_requetes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server starts whitenoise before any settings fixture runs; STATIC_ROOT exists only after collectstatic.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def financeur(django_user_model):
    # Created before Playwright starts its event loop, in which the ORM refuses to run.
    user = django_user_model.objects.create_user("financeur", password="mot-de-passe-de-test-long", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_bilan"))
    return user


@pytest.fixture
def navigateur(request, chromium, financeur):
    # Parametrised indirectly with the JavaScript switch: a funder may read the report with it off.
    context = chromium.new_context(locale="fr-FR", java_script_enabled=getattr(request, "param", True))
    yield context
    context.close()
    attendre_fin_des_requetes()


@pytest.mark.parametrize("navigateur", [False], indirect=True)
def test_agglo_logs_in_reads_the_report_without_javascript_and_downloads_it(live_server, navigateur):
    page = navigateur.new_page()
    page.goto(f"{live_server.url}/bilan/2019/")
    page.fill("#id_username", "financeur")
    page.fill("#id_password", "mot-de-passe-de-test-long")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/bilan/2019/")
    assert page.locator("h1").inner_text() == "Bilan annuel 2019"
    assert page.locator("svg[role=img]").count() >= 5
    reponse = page.request.get(f"{live_server.url}/bilan/2019/telecharger/xlsx/")
    assert reponse.ok and reponse.body()[:2] == b"PK"


def test_report_page_has_no_serious_accessibility_violation(live_server, navigateur, financeur):
    from axe_playwright_python.sync_playwright import Axe

    page = navigateur.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/bilan/2019/")
    page.fill("#id_username", "financeur")
    page.fill("#id_password", "mot-de-passe-de-test-long")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/bilan/2019/")
    resultats = Axe().run(page)
    graves = [v["id"] for v in resultats.response["violations"] if v["impact"] in ("serious", "critical")]
    assert graves == []
