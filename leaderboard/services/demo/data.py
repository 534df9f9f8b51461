"""The demo company: four sites in four time zones, about sixty agents, four products."""
from __future__ import annotations

from decimal import Decimal

SITES = [
    ("paris", "Paris – Rive Gauche", "Europe/Paris"),
    ("lisbon", "Lisboa Oriente", "Europe/Lisbon"),
    ("montreal", "Montréal Centre", "America/Toronto"),
    ("manila", "Manila BGC", "Asia/Manila"),
]

PRODUCTS = [
    ("REWARDS", "Rewards programme enrolment", 30, Decimal("15.00")),
    ("CARD", "Credit card", 50, Decimal("25.00")),
    ("UPGRADE", "Plan upgrade", 20, Decimal("10.00")),
    ("INSURE", "Insurance add-on", 40, Decimal("20.00")),
]

NAMES = {
    "paris": ["Chloé Martin", "Anaïs Dubois", "François Lefèvre", "Mélanie Girard", "Gaël Moreau",
              "Noémie Fontaine", "Théo Rousseau", "Hélène Garnier", "Jérôme Faure", "Léa Chevalier",
              "Zoë Bérard", "Benoît Lemaître", "Inès Haddad", "Renée Caron", "Maël Perrin", "Aurélie Noël"],
    "lisbon": ["João Conceição", "Inês Gonçalves", "Ângela Simões", "Tomás Brandão", "Beatriz Araújo",
               "Sérgio Magalhães", "Conceição Lopes", "Gonçalo Assunção", "Mónica Patrício", "Rúben Salgueiro",
               "Begoña Ibáñez", "André Gião", "Leonor Sá", "Vítor Falcão", "Íris Mourão"],
    "montreal": ["Émilie Tremblay", "Jean-François Côté", "Geneviève Bélanger", "Mathéo Gagnon", "Océane Lévesque",
                 "Siobhán O'Brien", "Łukasz Wójcik", "Søren Kierkegård", "Zoé Pelletier", "Raphaël Bouchard",
                 "Nadège Fréchette", "Björn Ångström", "Chantal Bérubé", "Étienne Gauthier"],
    "manila": ["María José Dela Cruz", "Niño Santos", "Jhun Reyes", "Ma. Concepción Bautista", "Señor Ramón Ocampo",
               "Carmela Villanueva", "Paolo Agustín", "Liza Mendoza", "Rizaldy Pascual", "Angelica Dimaculangan",
               "Jerome Cañete", "Kristine Nuñez", "Dindo Macaraeg", "Joy Ibañez", "Marielle Suárez"],
}

TEAM_NAMES = ("Falcons", "Otters")
# Part-timers make the per-FTE league fair; a few agents work 50–80 %.
PART_TIME = {3: Decimal("0.5"), 7: Decimal("0.8"), 11: Decimal("0.6")}
