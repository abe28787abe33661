"""French name parts for the generated networks: people, places, organisations, cases, resources.

Every name the generator builds is fictitious; the places are real (from the territory snapshot).
Phrases are stored in their "de …" form where French grammar needs an article ("du Trégor",
"de la Gâtine"), so templates can say ``"Collectif citoyen " + de_pays``.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Anne", "Bernard", "Camille", "Claire", "Dominique", "Élise", "Émilie", "François", "Gaëlle", "Guillaume",
    "Hélène", "Isabelle", "Jacques", "Jean", "Julie", "Karim", "Laure", "Louis", "Loïc", "Maël", "Marc",
    "Marie", "Mathieu", "Nadia", "Nathalie", "Nicolas", "Olivier", "Pascale", "Patrick", "Pierre", "Rachid",
    "Sandrine", "Sophie", "Stéphane", "Thomas", "Valérie", "Yann", "Yvonne", "Zoé", "Solène", "Erwan", "Inès",
    "Lucas", "Manon", "Hugo", "Léa", "Samia", "Antoine", "Margaux", "Tanguy",
)  # fmt: skip

LAST_NAMES = (
    "Le Goff", "Le Gall", "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Guérin", "Boyer", "Garnier", "Chevalier",
    "Le Bihan", "Kerbrat", "Tanguy", "Jaouen", "Hamon", "Guillou", "Etcheverry", "Lacoste", "Dupuy",
    "Benali", "Nguyen", "Da Silva", "Marchand", "Rousseau", "Blanc", "Faure", "Perrin", "Morin", "Gautier",
    "Renaud",
)  # fmt: skip

# A département's name with the preposition French uses for it ("de l'Ain", "du Finistère"…).
_DU = frozenset({
    "14", "15", "18", "25", "29", "30", "32", "39", "45", "46", "56", "59", "62", "63", "67", "68", "69", "81", "83",
    "90", "94", "95",
})  # fmt: skip
_DES = frozenset({"04", "05", "06", "08", "13", "22", "40", "64", "65", "66", "78", "79", "88", "92"})
_DE = frozenset({"28", "35", "37", "41", "47", "49", "54", "71", "75", "77", "82", "84", "974", "976"})
_DE_L = frozenset({"01", "02", "03", "07", "09", "10", "11", "12", "27", "34", "36", "38", "60", "61", "89", "91"})
_VOWELS = frozenset("AEIOUYÂÊÎÔÛÉÈËÏÜŒaeiouyâêîôûéèëïüœ")

# Local names (pays, valleys, coasts) by département, in their "de …" form.
PAYS: dict[str, tuple[str, ...]] = {
    "22": ("du Trégor", "du Goëlo", "du Penthièvre", "du Val de Rance", "de l'Argoat"),
    "29": ("du Léon", "de Cornouaille", "du Pays bigouden", "des Monts d'Arrée", "de la vallée de l'Aulne"),
    "35": ("du Val de Rance", "du Pays de Brocéliande", "de la vallée de la Vilaine", "du Pays de Fougères",
           "du Pays de Redon", "des Marches de Bretagne", "du Pays de Vitré"),
    "56": ("du Pays de Lorient", "du Golfe du Morbihan", "de la vallée du Blavet", "du Pays de Ploërmel"),
    "44": ("du Pays de Retz", "de l'estuaire de la Loire", "de la Brière", "de la vallée de l'Erdre"),
    "49": ("du Val de Loire", "des Mauges", "du Saumurois", "du Baugeois"),
    "53": ("de la vallée de la Mayenne", "du Pays de Château-Gontier"),
    "72": ("du Perche sarthois", "de la vallée du Loir"),
    "85": ("du Marais poitevin", "du Bocage vendéen", "du Pays de Monts"),
    "79": ("du Marais poitevin", "de la Gâtine", "du Mellois", "du Bocage bressuirais", "de la Sèvre niortaise"),
    "86": ("du Châtelleraudais", "du Montmorillonnais", "de la vallée du Clain"),
    "17": ("de l'Aunis", "de la Saintonge", "du marais de Brouage", "de l'île d'Oléron"),
    "16": ("de l'Angoumois", "du Cognaçais", "de la vallée de la Charente"),
    "33": ("du Médoc", "de l'Entre-deux-Mers", "du Bassin d'Arcachon", "du Libournais"),
    "24": ("du Périgord vert", "du Périgord noir", "de la vallée de la Dordogne"),
    "40": ("du Pays de Born", "de la Chalosse", "du Marensin"),
    "64": ("du Pays basque", "du Béarn", "de la vallée d'Aspe"),
    "47": ("du Pays de Serres", "de la vallée du Lot", "de l'Albret"),
    "19": ("du plateau de Millevaches", "de la vallée de la Corrèze"),
    "23": ("du plateau de Millevaches", "de la Marche"),
    "87": ("des Monts d'Ambazac", "de la vallée de la Vienne"),
    "14": ("du Pays d'Auge", "du Bessin", "du Bocage virois"),
    "50": ("du Cotentin", "de la baie du Mont-Saint-Michel", "du Coutançais"),
    "38": ("du Vercors", "du Grésivaudan", "de l'Oisans"),
    "73": ("de la Maurienne", "de la Tarentaise", "du Beaufortain"),
    "74": ("du Chablais", "des Aravis", "du Faucigny"),
    "05": ("du Champsaur", "du Queyras", "du Briançonnais"),
    "04": ("de la vallée de l'Ubaye", "du plateau de Valensole"),
    "26": ("du Diois", "de la Drôme provençale"),
    "07": ("des Cévennes ardéchoises", "de la vallée de l'Eyrieux"),
    "30": ("des Cévennes", "de la Camargue gardoise"),
    "34": ("de l'étang de Thau", "du Haut-Languedoc"),
    "13": ("de la Camargue", "de l'étang de Berre", "de la Crau"),
    "83": ("du Haut-Var", "du massif des Maures"),
    "84": ("du Luberon", "du Comtat Venaissin"),
    "63": ("des Combrailles", "du Livradois", "de la chaîne des Puys"),
    "15": ("de la Châtaigneraie", "des monts du Cantal"),
    "12": ("de l'Aubrac", "du Lévézou", "du Ségala"),
    "65": ("de la vallée des Gaves", "du Lavedan"),
    "09": ("du Couserans", "du Pays d'Olmes"),
    "66": ("du Conflent", "de la Cerdagne"),
    "31": ("du Comminges", "du Lauragais"),
    "32": ("de la Lomagne", "de l'Armagnac"),
    "81": ("de la Montagne noire", "du Pays de Cocagne"),
    "25": ("du Haut-Doubs", "de la vallée de la Loue"),
    "39": ("du Haut-Jura", "de la Bresse jurassienne"),
    "71": ("de la Bresse bourguignonne", "du Morvan"),
    "58": ("du Morvan", "du Val de Loire nivernais"),
    "21": ("de l'Auxois", "de la Côte de Nuits"),
    "67": ("de l'Alsace bossue", "du Kochersberg"),
    "68": ("du Sundgau", "de la vallée de Munster"),
    "88": ("de la Déodatie", "des Hautes-Vosges"),
    "59": ("de la Flandre intérieure", "de l'Avesnois", "du Douaisis"),
    "62": ("de l'Audomarois", "du Ternois", "de la Côte d'Opale"),
    "80": ("de la baie de Somme", "du Vimeu", "du Santerre"),
    "76": ("du Pays de Caux", "du Pays de Bray"),
    "27": ("du Vexin normand", "du Pays d'Ouche"),
    "61": ("du Perche", "du Pays d'Houlme"),
    "45": ("de la Sologne", "du Gâtinais", "de la Beauce"),
    "41": ("de la Sologne", "du Vendômois"),
    "28": ("de la Beauce", "du Perche"),
    "37": ("de la Touraine", "du Véron"),
    "18": ("du Berry", "du Sancerrois"),
    "36": ("de la Brenne", "du Boischaut"),
    "77": ("de la Brie", "du Gâtinais"),
    "78": ("du Vexin", "de la vallée de Chevreuse"),
    "91": ("du Hurepoix", "de la vallée de l'Orge"),
    "95": ("du Vexin français", "de la plaine de France"),
    "51": ("de la Champagne crayeuse", "de l'Argonne"),
    "10": ("du Pays d'Othe", "de la Champagne humide"),
    "2A": ("de la Cinarca", "du Valinco"),
    "2B": ("de la Balagne", "de la Castagniccia", "du Cap Corse"),
    "974": ("des Hauts de La Réunion", "du Grand Sud sauvage"),
    "971": ("de la Côte-sous-le-Vent", "de Marie-Galante"),
    "972": ("du Nord Caraïbe", "du Sud Martinique"),
}  # fmt: skip

LIEU_HEADS = (
    "la Lande", "le Moulin", "la Croix", "le Bois", "la Butte", "le Champ", "la Prairie", "les Landes",
    "le Pré", "la Ferme", "le Haut", "la Garenne", "le Tertre", "la Métairie", "le Chêne", "la Fontaine",
    "les Rochers", "la Grange", "les Trois Chênes", "la Pierre", "le Plessis", "la Brosse", "les Noës",
)  # fmt: skip
LIEU_TAILS = (
    "du Moulin", "Gautier", "Rouge", "des Chênes", "aux Loups", "du Four", "de la Mare", "Saint-Martin",
    "des Genêts", "du Bourg", "aux Moines", "des Vignes", "du Puits", "Morin", "du Vent", "Saint-Jacques",
    "de la Motte", "des Fontaines", "", "", "",
)  # fmt: skip
QUARTIERS = (
    "de la Gare", "Saint-Michel", "des Halles", "du Port", "Saint-Jean", "Bellevue", "du Colombier",
    "Beaulieu", "des Champs", "Sainte-Anne", "du Centre", "des Capucins", "de la Madeleine", "du Moulin-Vert",
)  # fmt: skip

ASSOCIATION_PATTERNS = (
    "Association Eau et Rivières {de_pays}", "{Nature} Environnement {de_dept}", "Les Amis {de_pays}",
    "Association de sauvegarde {de_pays}", "Terres vivantes {de_pays}", "Maison de la nature {de_commune}",
    "Vivre {a_commune}", "Association des riverains {de_commune}", "Énergies citoyennes {de_pays}",
    "Bien vivre {de_pays}", "Association pour la concertation {de_pays}", "Les Jardins partagés {de_commune}",
    "Comité de défense {de_pays}", "Association des usagers de l'eau {de_pays}", "Paysages {de_pays}",
    "Agir ensemble {a_commune}", "Maison de la consommation et de l'environnement {de_dept}",
    "Conseil de développement {de_pays}", "Association des pêcheurs {de_pays}", "Randonneurs {de_pays}",
)  # fmt: skip
NATURES = ("Nature", "Bretagne vivante", "Vienne Nature", "Sèvre", "Loire", "Bocage", "Littoral", "Forêt")

COLLECTIF_PATTERNS = (
    "Collectif citoyen {de_pays}", "Collectif des habitants {de_commune}", "Collectif Bassines non merci {dept_code}",
    "Collectif Stop éoliennes {de_lieu}", "Collectif pour la sauvegarde {de_lieu}", "Collectif Air pur {de_commune}",
    "Collectif Terres fertiles {de_pays}", "Riverains en colère {de_commune}", "Collectif Vélo {de_commune}",
    "Collectif Littoral pour tous {de_pays}", "Les Voisins {de_lieu}", "Collectif Eau secours {dept_code}",
)  # fmt: skip

ENTREPRISE_PATTERNS = (
    "{Root} Énergies SAS", "Éolien {Root} Développement", "Carrières {de_pays}", "Coopérative agricole {de_pays}",
    "Biogaz {Root}", "Solaire {Root} SAS", "Logistique {Root}", "Aménageur {Root} SEM",
    "SCIC Énergies citoyennes {de_pays}",
    "Granulats {de_pays}", "Société d'économie mixte {de_dept}", "Promotion immobilière {Root}",
    "Cabinet {last} & associés — droit de l'environnement", "Coopérative de l'eau {de_dept}",
)  # fmt: skip
ROOTS = (
    "Ponant", "Armor", "Atlantique", "Horizon", "Ouest", "Terres", "Rivage", "Avenir", "Sillon", "Alizé",
    "Bocage", "Garonne", "Loire", "Rhône", "Massif", "Vallée", "Estuaire", "Plaine", "Causse", "Littoral",
)  # fmt: skip

BUREAU_PATTERNS = (
    "Cabinet Concertation & Territoires", "Atelier Médiation {de_pays}", "Agence Parlons-en",
    "Trajectoires participatives",
    "Bureau d'études Géo-Concert", "Dialogues en territoire", "Cabinet {last} Conseil", "Tiers médiateurs {de_region}",
    "Scop Cité des possibles", "Agence Ville ouverte", "Palabres Conseil", "Écologie & Territoires {de_region}",
    "Bureau d'études Hydro-Concept {de_region}", "Atelier d'urbanisme {last}", "Sens commun Consultants",
)  # fmt: skip

RESEAU_PATTERNS = (
    "Réseau des médiateurs territoriaux {de_region}", "Réseau Concertation {region}", "Réseau des collectivités "
    "participatives {de_region}", "Réseau des tiers-lieux {de_region}", "Fédération des associations "
    "environnementales {de_region}", "Réseau Énergies citoyennes {region}", "Réseau des acteurs de l'eau {de_region}",
    "Réseau Démocratie locale {region}",
)  # fmt: skip
NATIONAL_NETWORKS = (
    "Réseau national des médiateurs de l'environnement", "Institut national de la concertation territoriale",
    "Fédération nationale des collectifs citoyens", "Réseau national des communs territoriaux",
    "Association nationale des élus pour la participation",
)  # fmt: skip

SERVICE_DEPT_PATTERNS = (
    "Préfecture {de_dept}", "Direction départementale des territoires {de_dept}",
    "Office français de la biodiversité — service départemental {de_dept}", "Sous-préfecture {de_commune}",
)  # fmt: skip
SERVICE_REGION_PATTERNS = (
    "DREAL {region}", "DRAAF {region}", "Centre régional de la propriété forestière {region}",
    "Commissaire à la médiation — préfecture de région {region}",
)  # fmt: skip

AUTRE_PATTERNS = (
    "Fondation {Root} pour les territoires", "Syndicat mixte du bassin {de_pays}", "Parc naturel régional {de_pays}",
    "Conseil local de développement {de_commune}", "Chambre d'agriculture {de_dept}",
)  # fmt: skip

DISCIPLINES = ("géographie", "sociologie", "science politique", "droit de l'environnement", "urbanisme", "écologie")
RESEARCHER_TITLES = ("maîtresse de conférences", "maître de conférences", "chercheuse", "chercheur", "doctorante")

THEME_WORDS: dict[str, str] = {
    "PARTICIPATION": "la participation citoyenne",
    "CONCERTATION": "la concertation",
    "MEDIATION": "la médiation des conflits",
    "DEBAT_PUBLIC": "le débat public",
    "COMMUNS": "les communs",
    "WATER": "l'eau et les rivières",
    "ENERGY": "la transition énergétique",
    "MOBILITY": "les mobilités",
    "AGRICULTURE_FOOD": "l'agriculture et l'alimentation",
    "BIODIVERSITY": "la biodiversité",
    "URBANISM": "l'urbanisme et l'habitat",
    "TOURISM": "le tourisme",
    "WASTE_CIRCULAR": "l'économie circulaire",
    "CLIMATE_ADAPTATION": "l'adaptation au changement climatique",
    "DIGITAL_DEMOCRACY": "la démocratie numérique",
}

DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "COLLECTIVITE": (
        "Collectivité de {population} habitants ({dept}). Elle s'est engagée sur {themes} et associe les "
        "habitants à ses projets.",
        "{population} habitants ({dept}). Budget participatif, conseils de quartier et concertations "
        "préalables : la collectivité travaille {on_themes}.",
    ),
    "ASSOCIATION": (
        "Fondée en {year}, l'association agit pour {themes} {de_area}. Elle organise des sorties, des "
        "réunions publiques et participe aux concertations locales.",
        "Association loi 1901 créée en {year} : veille citoyenne, information des habitants et propositions "
        "alternatives sur {themes}.",
    ),
    "COLLECTIF_CITOYEN": (
        "Collectif d'habitants né en {year} pour se faire entendre sur {themes}. Pétitions, réunions publiques "
        "et recours quand il le faut.",
        "Habitants mobilisés depuis {year} {de_area}, attentifs à {themes} et à la transparence des décisions.",
    ),
    "ENTREPRISE": (
        "Entreprise créée en {year}, active {de_area} dans des projets liés à {themes}.",
        "Société implantée {a_commune} depuis {year}, porteuse de projets d'aménagement ({themes}).",
    ),
    "BUREAU_ETUDES": (
        "Bureau d'études indépendant fondé en {year} : conception et animation de concertations, médiation, "
        "expertise sur {themes}.",
        "Équipe pluridisciplinaire qui accompagne depuis {year} collectivités et porteurs de projets : "
        "diagnostic, ateliers, garants de concertation, {themes}.",
    ),
    "RESEAU": (
        "Réseau créé en {year} qui réunit acteurs publics et associatifs autour de {themes} : formations, "
        "échanges de pratiques, mécénat d'expérience.",
    ),
    "SERVICE_ETAT": (
        "Service de l'État chargé notamment de {themes}. Instruit les projets et appuie les collectivités.",
    ),
    "CHERCHEUR": (
        "Travaux de recherche sur les conflits d'aménagement et d'usage, {themes}. Enquêtes de terrain "
        "{de_area} depuis {year}.",
    ),
    "AUTRE": ("Structure d'intérêt général créée en {year}, engagée sur {themes} {de_area}.",),
}

# Per conflict type: title templates and what the case is about. Slots: {de_lieu}, {de_commune}, {commune},
# {de_pays}, {quartier}, {n}.
CONFLICT_TEXTS: dict[str, tuple[tuple[str, ...], str]] = {
    "ONSHORE_WIND": (("Parc éolien {de_lieu}", "Projet éolien {de_lieu}", "Extension du parc éolien {de_commune}"),
                     "un projet de {n} éoliennes de 150 à 200 m en bordure de hameaux"),
    "OFFSHORE_WIND": (("Parc éolien en mer au large {de_commune}",), "un parc éolien en mer visible depuis la côte"),
    "GROUND_SOLAR": (("Centrale photovoltaïque {de_lieu}", "Parc solaire au sol {de_commune}"),
                     "une centrale solaire au sol de {n}0 hectares sur d'anciennes terres agricoles"),
    "AGRIVOLTAICS": (("Projet agrivoltaïque {de_lieu}",),
                     "des panneaux solaires au-dessus de {n}0 hectares de cultures"),
    "BIOGAS_PLANT": (("Unité de méthanisation {de_lieu}", "Méthaniseur {de_commune}"),
                     "une unité de méthanisation et ses {n}0 rotations de camions par semaine"),
    "POWER_LINE": (("Ligne à très haute tension {de_pays}",), "une ligne à très haute tension de {n}0 km"),
    "HYDRO_DAM": (("Microcentrale hydroélectrique {de_lieu}",), "une microcentrale sur une rivière classée"),
    "NUCLEAR_SITE": (("Site d'entreposage nucléaire {de_commune}",), "un site d'entreposage de déchets radioactifs"),
    "ROAD": (("Contournement routier {de_commune}", "Mise à deux fois deux voies {de_pays}"),
             "une route nouvelle de {n} km à travers le bocage"),
    "RAIL_LINE": (("Ligne ferroviaire nouvelle {de_pays}",), "une ligne ferroviaire nouvelle et ses emprises"),
    "AIRPORT": (("Extension de l'aérodrome {de_commune}",), "l'allongement de la piste et de nouveaux vols"),
    "PORT": (("Extension du port {de_commune}",), "l'extension du port et le dragage du chenal"),
    "IRRIGATION_RESERVOIR": (("Réserve de substitution {de_lieu}", "Méga-bassine {de_commune}"),
                             "une réserve d'irrigation de {n}00 000 m³ remplie par pompage de la nappe"),
    "DAM": (("Barrage {de_lieu}", "Retenue collinaire {de_lieu}"), "un barrage et la retenue d'eau qu'il crée"),
    "WATER_TRANSFER": (("Transfert d'eau vers {commune}",), "le transfert d'eau d'un bassin versant à l'autre"),
    "QUARRY": (("Extension de la carrière {de_lieu}",), "l'extension d'une carrière de {n}0 hectares"),
    "SAND_GRAVEL": (("Gravière {de_lieu}",), "l'extraction de sables et graviers en lit majeur"),
    "MINE": (("Projet minier {de_commune}",), "un permis exclusif de recherche minière"),
    "LANDFILL": (("Installation de stockage de déchets {de_lieu}",), "l'agrandissement d'un centre d'enfouissement"),
    "INCINERATOR": (("Incinérateur {de_commune}",), "un incinérateur de déchets ménagers"),
    "WASTE_TREATMENT": (("Centre de traitement des déchets {de_lieu}",), "un centre de tri et de traitement"),
    "HOUSING_ESTATE": (("Lotissement {de_lieu}", "ZAC {de_lieu}"), "un lotissement de {n}0 logements sur des prairies"),
    "COMMERCIAL_ZONE": (("Zone commerciale {de_lieu}",), "une zone commerciale de {n}0 000 m²"),
    "LOGISTICS_WAREHOUSE": (("Entrepôt logistique {de_lieu}",), "un entrepôt logistique de {n}0 000 m²"),
    "DATA_CENTRE": (("Centre de données {de_commune}",), "un centre de données et sa consommation d'eau et d'énergie"),
    "URBAN_RENEWAL": (("Renouvellement urbain du quartier {quartier}",),
                      "la démolition et reconstruction de {n}00 logements"),
    "CLASSIFIED_SITE": (("Extension du site industriel {de_lieu}",), "l'extension d'une installation classée"),
    "LARGE_FACTORY": (("Grande usine {de_commune}",), "l'implantation d'une usine de {n}00 emplois"),
    "SKI_RESORT": (("Extension du domaine skiable {de_commune}",),
                   "de nouvelles remontées et une retenue pour la neige de culture"),
    "LEISURE_PARK": (("Parc de loisirs {de_lieu}",), "un parc de loisirs sur un espace naturel"),
    "GOLF_COURSE": (("Golf {de_lieu}",), "un golf de {n} trous et son arrosage"),
    "INTENSIVE_LIVESTOCK": (("Élevage industriel {de_lieu}", "Extension de la porcherie {de_lieu}"),
                            "l'extension d'un élevage de {n} 000 animaux"),
    "IRRIGATION_VS_DRINKING": (("Partage de l'eau {de_pays}",),
                               "le partage de l'eau entre irrigation et eau potable en été"),
    "RIVER_USES": (("Usages de la rivière {de_pays}",),
                   "les usages concurrents de la rivière : pêche, canoë, prélèvements"),
    "FARMLAND_VS_BUILDING": (("Terres agricoles {de_lieu}",), "des terres agricoles ouvertes à l'urbanisation"),
    "FARMLAND_ACCESS": (("Foncier agricole {de_commune}",),
                        "l'attribution de terres agricoles libérées par un départ en retraite"),
    "PESTICIDE_SPRAYING": (("Épandages près des habitations {de_commune}",),
                           "les épandages de pesticides près des maisons et de l'école"),
    "ODOURS": (("Odeurs agricoles {de_lieu}",), "les odeurs d'un élevage voisin des habitations"),
    "RURAL_SOUNDS": (("Bruits de la campagne {de_commune}",),
                     "les plaintes de nouveaux habitants contre les bruits agricoles"),
    "NIGHT_LIFE": (("Vie nocturne du quartier {quartier}",), "le bruit des bars et de la vie nocturne"),
    "EVENTS": (("Festival {de_commune}",), "un festival de plein air et ses nuisances pour les riverains"),
    "TRAFFIC_NOISE": (("Bruit de la rocade {de_commune}",), "le bruit du trafic routier le long de la rocade"),
    "SHORT_TERM_RENTALS": (("Meublés de tourisme {de_commune}",), "la multiplication des meublés de tourisme"),
    "OVERTOURISM": (("Surfréquentation {de_pays}",), "la surfréquentation touristique des sites naturels en été"),
    "HUNTING_VS_WALKERS": (("Chasse et promenade {de_lieu}",), "la cohabitation entre chasseurs et promeneurs"),
    "COASTAL_ACCESS": (("Sentier du littoral {de_commune}",),
                       "la continuité du sentier du littoral à travers des propriétés privées"),
    "PROTECTED_AREA_USES": (("Usages de la réserve naturelle {de_pays}",),
                            "les usages autorisés dans un espace protégé"),
    "PUBLIC_SPACE_OCCUPATION": (("Terrasses du quartier {quartier}",),
                                "l'occupation de l'espace public par les terrasses"),
    "MARKETS": (("Marché {de_commune}",), "le déplacement du marché hebdomadaire"),
    "PARKING": (("Stationnement en centre-ville {de_commune}",), "la suppression de places de stationnement"),
    "ROAD_SPACE_SHARING": (("Partage de la voirie {de_commune}",),
                           "une piste cyclable qui remplace une voie de circulation"),
    "TRAFFIC_RESTRICTION": (("Piétonnisation du centre {de_commune}",), "la piétonnisation du centre et ses accès"),
    "LOGGING_VS_RECREATION": (("Coupes rases en forêt {de_lieu}",), "des coupes rases dans une forêt très fréquentée"),
    "FOREST_ACCESS": (("Circulation en forêt {de_lieu}",),
                      "la circulation des engins motorisés sur les chemins forestiers"),
}  # fmt: skip

MOBILISATION_WORDS = {
    "PETITION": "pétition",
    "LAWSUIT": "recours en justice",
    "PUBLIC_MEETING": "réunions publiques",
    "PROTEST": "manifestations",
    "LOCAL_REFERENDUM": "consultation locale",
    "ALTERNATIVE_PROPOSAL": "contre-projet",
}
OUTCOME_SENTENCES = {
    "NEGOTIATED": "Une médiation a permis d'aboutir à un accord en {end}.",
    "PROJECT_MODIFIED": "Le projet a été modifié en {end} après la concertation.",
    "PROJECT_CANCELLED": "Le projet a été abandonné en {end}.",
    "COURT_DECISION": "Le tribunal administratif a tranché en {end}.",
    "MORATORIUM": "Un moratoire a été décidé en {end}.",
    "COMPENSATION": "Des mesures de compensation ont été adoptées en {end}.",
    "ONGOING": "Le dossier est toujours ouvert.",
}

PARTICIPATORY_TITLES = (
    "Concertation préalable sur le PLUi {de_pays}", "Budget participatif {de_commune} {year}",
    "Convention citoyenne sur l'eau {de_pays}", "Atelier citoyen sur les mobilités {de_commune}",
    "Concertation sur le projet de territoire {de_pays}", "Conseil citoyen du quartier {quartier}",
    "Débat public sur la transition énergétique {de_pays}", "Assemblée citoyenne pour le climat {de_commune}",
)  # fmt: skip
COMMONS_TITLES = (
    "Tiers-lieu La Fabrique {de_commune}", "Coopérative citoyenne d'énergie {de_pays}", "Jardins partagés {de_commune}",
    "Atlas participatif de l'eau {de_pays}", "Base ouverte des conflits d'usage {de_pays}",
    "Recyclerie solidaire {de_commune}",
    "Forêt communale gérée en commun {de_commune}", "Cantine coopérative {de_commune}",
    "Boîte à outils de la concertation {de_pays}",
)  # fmt: skip

# Per conflict category: what resources about it talk about.
CATEGORY_TOPICS: dict[str, str] = {
    "ENERGY": "les projets d'énergies renouvelables", "TRANSPORT": "les infrastructures de transport",
    "WATER_WORKS": "les ouvrages hydrauliques", "EXTRACTION": "les carrières et l'extraction",
    "WASTE": "les installations de traitement des déchets", "URBAN": "les projets d'urbanisation",
    "INDUSTRY": "les sites industriels", "TOURISM_LEISURE": "les équipements touristiques",
    "FARMING_FACILITY": "les élevages", "WATER_SHARING": "le partage de l'eau", "FARMLAND": "le foncier agricole",
    "AGRI_NEIGHBOURHOOD": "le voisinage agricole", "NOISE": "les nuisances sonores",
    "TOURISM_PRESSURE": "la pression touristique", "NATURE_ACCESS": "l'accès aux espaces naturels",
    "PUBLIC_SPACE": "les usages de l'espace public", "MOBILITY_SHARING": "le partage de la voirie",
    "FOREST_USE": "les usages de la forêt",
}  # fmt: skip

# Resource titles. Slots: {topic} (a category's topic), {conflict} (a case's title), {label} (a type's label).
RESOURCE_TITLES: dict[str, tuple[str, ...]] = {
    "GUIDE": (
        "Guide de la concertation préalable", "Réussir la concertation sur un projet éolien",
        "Guide pratique : concerter autour d'une réserve d'eau", "La concertation sur {topic}",
        "Associer les habitants : {topic}", "Guide de la médiation territoriale", "Prévenir les conflits : {topic}",
    ),
    "METHOD": (
        "Cartographie des acteurs : une méthode pas à pas", "La médiation environnementale en cinq étapes",
        "Ateliers de scénarios sur {topic}", "Le jeu de rôle au service de la concertation",
        "Méthode du diagnostic partagé", "Conduire une concertation sur l'éolien : la méthode des tables rondes",
        "Concerter sur {topic} : une méthode en trois temps",
    ),
    "TOOL": (
        "Grille d'analyse des conflits d'usage", "Kit de concertation numérique", "Modèle de charte de la concertation",
        "Calendrier type d'une concertation préalable", "Simulateur de visibilité des projets éoliens",
        "Fiches outils : animer une réunion publique tendue", "Boîte à outils : {topic}",
    ),
    "CASE_STUDY": ("Retour d'expérience : {conflict}", "Étude de cas : {conflict}",
    "{conflict} : ce que la concertation a changé"),
    "ARTICLE": (
        "{conflict} : les leçons d'un conflit", "Éolien terrestre : écouter les riverains avant de dessiner le parc",
        "Méga-bassines : vingt ans de conflits et de concertation",
        "Concertation : quand les habitants prennent la parole",
        "{label} : comment sortir de l'impasse ?", "Médiation : trois questions à une médiatrice de l'environnement",
        "Partage de l'eau : la concertation à l'épreuve de la sécheresse", "{conflict} : récit d'une médiation",
    ),
}  # fmt: skip
RESOURCE_SUMMARIES = (
    "Ce document présente {topic} : les acteurs en présence, les étapes, les outils et les erreurs à éviter.",
    "Un retour concret sur {topic}, avec les témoignages des élus, des habitants et des médiateurs.",
    "Repères méthodologiques et exemples pour {topic}, à l'usage des collectivités et des associations.",
)


def de_departement(code: str, name: str) -> str:
    """ "de l'Ain", "du Finistère", "des Côtes-d'Armor", "d'Ille-et-Vilaine", "de la Sarthe"."""
    if code in _DU:
        return "du " + name
    if code in _DES:
        return "des " + name
    if code in _DE_L:
        return "de l'" + name
    if code in _DE:
        return ("d'" if name[0] in _VOWELS else "de ") + name
    return "de la " + name


_REGION_DU = frozenset({"24", "44"})
_REGION_DES = frozenset({"32", "52"})
_REGION_DE_LA = frozenset({"01", "02", "03"})


def de_region(code: str, name: str) -> str:
    """ "de Bretagne", "d'Occitanie", "du Grand Est", "des Hauts-de-France", "de la Guadeloupe"."""
    if code in _REGION_DU:
        return "du " + name
    if code in _REGION_DES:
        return "des " + name
    if code in _REGION_DE_LA:
        return "de la " + name
    return ("d'" if name[0] in _VOWELS else "de ") + name


def de_commune(name: str) -> str:
    """ "de Plouha", "d'Auray", "du Mans", "des Sables-d'Olonne", "de La Rochelle"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[0] in _VOWELS:
        return "d'" + name
    return "de " + name


def a_commune(name: str) -> str:
    """ "à Plouha", "au Mans", "aux Sables-d'Olonne"."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


def de_lieu(head: str, tail: str) -> str:
    """A lieu-dit in its "de …" form: "de la Lande du Moulin", "du Bois Gautier", "des Landes"."""
    article, _, noun = head.partition(" ")
    phrase = {"la": "de la ", "le": "du ", "les": "des "}[article] + noun
    return f"{phrase} {tail}" if tail else phrase


def epci_actor_name(name: str) -> str:
    """Spell out the DGCL abbreviations: "CC du Perche" becomes "Communauté de communes du Perche"."""
    for short, long in (("CC ", "Communauté de communes "), ("CA ", "Communauté d'agglomération "),
                        ("CU ", "Communauté urbaine ")):  # fmt: skip
        if name.startswith(short):
            return long + name[len(short) :]
    return name
