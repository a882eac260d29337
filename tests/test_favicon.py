"""Every page's tab icon answers (a 404 for /favicon.ico used to follow every page view)."""


def test_it_serves_the_tab_icon_without_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml" and b"<svg" in response.data
    response.close()


def test_pages_link_the_icon(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon"' in page and "favicon.svg" in page
