"""A company built to break TV layouts: 200 agents, 40-character names, Arabic and Chinese, long site names."""
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from PIL import Image, ImageDraw

from tests.browser.conftest import Office, every_slide

SLIDE_TYPES = ("standings", "match_centre", "league_table", "bracket", "lucky_draw", "chart", "message")
LONG_NAME = "Maximilienne-Éléonore de la Tour d'Auvergne"  # 43 characters
SITES = {
    "lisboa": ("Lisboa – Centro de Contacto da Avenida da Liberdade", "Europe/Lisbon"),
    "paris": ("Paris – Plateau Téléphonique de la Rive Gauche et du Quartier Latin", "Europe/Paris"),
    "casa": ("مركز الاتصال في الدار البيضاء – المدينة الجديدة", "Africa/Casablanca"),
}
SPECIAL_NAMES = [LONG_NAME, "محمد عبد الرحمن الهاشمي", "欧阳娜娜", "王小明", "Bartholomew Featherstonehaugh-Wolfeschlegel",
                 "Zoë Ångström-Øvergård", "عائشة بنت أبي بكر الصديق", "司马相如"]
BOARD_OF_62 = 62  # agents at the Casablanca site: one board that needs several pages


def agent_rows():
    """200 agents: the hostile names first (numbered after their first use), then plain ones; 62 at casa."""
    rows = []
    for index in range(200):
        site = "casa" if index < BOARD_OF_62 else ("lisboa" if index % 2 else "paris")
        if index < 24:
            special = SPECIAL_NAMES[index % len(SPECIAL_NAMES)]
            name = special if index < len(SPECIAL_NAMES) else f"{special} {index}"
        else:
            name = f"Kim Lee {index:03d}"
        rows.append((f"a{index:03d}", name, site))
    return rows


def portrait() -> bytes:
    """A made-up 640×480 'photo' (a two-colour gradient and a disc), as a lead's upload."""
    image = Image.new("RGB", (640, 480))
    image.putdata([(40 + x // 4, 80 + y // 4, 160) for y in range(480) for x in range(640)])
    ImageDraw.Draw(image).ellipse((220, 100, 420, 300), fill=(240, 200, 150))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def build(office: Office):
    for key, (name, tz) in SITES.items():
        office.put(f"/api/v1/sites/{key}", {"name": name, "timezone": tz})
    office.put("/api/v1/products/CARD", {"name": "Carte de crédit Platine", "points": 50, "bonus": "25.00"})
    lines = ["key,name,site,team,fte"] + [f'{key},"{name}",{site},,1' for key, name, site in agent_rows()]
    response = requests.post(office.url + "/api/v1/roster/import", data="\n".join(lines).encode(),
                             headers={**office.admin, "Content-Type": "text/csv"}, timeout=30)
    assert response.ok, response.text
    midnight = datetime.now(ZoneInfo("Europe/Paris")).replace(hour=0, minute=0, second=0, microsecond=0)
    window = {"starts_at": (midnight - timedelta(days=3)).isoformat(), "ends_at": (midnight + timedelta(days=4)).isoformat()}
    office.race = office.post("/api/v1/contests", {"name": "Course de la semaine", "kind": "race", **window})
    office.race62 = office.post("/api/v1/contests", {"name": "Casablanca", "kind": "race", "sites": ["casa"], **window})
    office.quiet = office.post("/api/v1/contests", {
        "name": "Mois calme", "kind": "race", "starts_at": (midnight - timedelta(days=40)).isoformat(),
        "ends_at": (midnight - timedelta(days=30)).isoformat()})
    office.draw = office.post("/api/v1/contests", {"name": "Tirage du vendredi", "kind": "lucky_draw", **window,
                                                   "prizes": [{"name": "Week-end à deux", "quantity": 1}]})
    league = {"kind": "league", "sites": list(SITES), "timezone": "Europe/Paris", "starts_at": midnight.isoformat(),
              "rules": {"match_length": "P1D", "points_per_goal": 100, "normalize": "none"}}
    office.league = office.post("/api/v1/contests", {**league, "name": "Championnat des sites",
                                                     "rules": {**league["rules"], "format": "league", "legs": 2}})
    office.cup = office.post("/api/v1/contests", {**league, "name": "Coupe des sites",
                                                  "rules": {**league["rules"], "format": "cup"}})
    now = datetime.now(UTC)
    sales = [{"id": f"h{n}", "agent": f"a{n % 70:03d}", "product": "CARD", "quantity": 1 + n % 3,
              "occurred_at": (now - timedelta(minutes=5 + n)).isoformat()} for n in range(140)]
    # The podium: a Chinese name first, an Arabic one second, the 43-character one third.
    sales += [{"id": f"podium-{key}", "agent": key, "product": "CARD", "quantity": quantity,
               "occurred_at": (now - timedelta(minutes=2)).isoformat()} for key, quantity in
              (("a002", 12), ("a001", 10), ("a000", 8))]
    office.post("/api/v1/sales", {"sales": sales})
    office.photo_url = requests.put(f"{office.url}/api/v1/agents/a002/photo", data=portrait(), timeout=10,
                                    headers={**office.admin, "Content-Type": "image/png"}).json()["url"]
    slides = every_slide(office, "Chaque vente est un ticket pour le tirage du vendredi ! " * 3)
    office.slides = slides
    for kind, slide in slides.items():
        office.put(f"/api/v1/channels/h-{kind}", {"name": LONG_NAME, "slides": [slide]})
        office.put(f"/api/v1/channels/fr-{kind}", {"name": "Écran du plateau", "slides": [slide], "language": "fr"})
    office.put("/api/v1/channels/h-loud", {"name": "Ventes", "slides": [slides["standings"]], "sound": True,
                                           "big_sale_points": 200})
    office.put("/api/v1/channels/h-quiet", {"name": "Calme", "slides": [
        {"type": "standings", "contest": office.quiet["id"], "by": "agent", "seconds": 60}]})
    office.put("/api/v1/channels/h-sites", {"name": "Sites", "slides": [
        {"type": "standings", "contest": office.race["id"], "by": "site", "seconds": 60}]})
    office.put("/api/v1/channels/h-rotation", {"name": "Rotation", "slides": [
        {"type": "standings", "contest": office.race62["id"], "by": "agent", "seconds": 20},
        {"type": "message", "text": "Pause", "seconds": 10}]})
    return office
