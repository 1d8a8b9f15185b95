import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_login_page_renders_in_chromium(live_server, page, screenshot):
    page.goto(f"{live_server.url}/admin/login/")

    assert page.locator("#site-name").inner_text() == "Credentials Administration"
    assert screenshot(page, "admin-login").exists()
