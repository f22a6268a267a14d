import pytest
from tests.factories import *
pytestmark = pytest.mark.django_db
def test_peek(client):
    LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic")
    NeighbourhoodFactory(name="Noord")
    r = client.get("/hulp-vragen/")
    html = r.content.decode()
    print(html[html.index("<main"):html.index("</main>")])
    r = client.post("/hulp-vragen/", {})
    html = r.content.decode()
    print("=========POST")
    print(html[html.index("<main"):html.index("</main>")])
