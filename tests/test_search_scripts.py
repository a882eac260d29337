"""Search finds a complaint whatever script it was written in: simplified or traditional."""
from models.users import Role


def test_a_simplified_query_finds_a_traditional_text_and_back(factory, login):
    factory.complaint("石橋鎮紅旗村村幹部冒領低保金兩年了，請紀委查一查。")
    factory.complaint("柳河乡水井村会计把危房补助扣了一半。")
    client = login.as_(factory.user(Role.supervisor))
    found = client.get("/complaints?q=村干部冒领").get_data(as_text=True)
    assert "村幹部冒領" in found and "水井村会计" not in found
    back = client.get("/complaints?q=危房補助").get_data(as_text=True)
    assert "危房补助扣了一半" in back and "村幹部冒領" not in back


def test_the_variants_keep_the_query_and_its_other_script():
    from hotline.intake.service import script_variants

    assert script_variants("村干部冒领") == ["村干部冒领", "村幹部冒領"]
    assert script_variants("王某") == ["王某"]
