// French words for the API's enum values.

export const KINDS = {
  COLLECTIVITE: "Collectivité",
  ASSOCIATION: "Association",
  ENTREPRISE: "Entreprise",
  BUREAU_ETUDES: "Bureau d'études",
  RESEAU: "Réseau",
  SERVICE_ETAT: "Service de l'État",
  COLLECTIF_CITOYEN: "Collectif citoyen",
  CHERCHEUR: "Recherche",
  AUTRE: "Autre",
};

export const ROLES = {
  MEDIATOR: "médiateur",
  FACILITATOR: "animateur de la concertation",
  PUBLIC_AUTHORITY: "autorité publique",
  EXPERT: "expert",
  PROJECT_OWNER: "porteur du projet",
  OPPONENT: "opposant",
  SUPPORTER: "soutien",
  SPONSOR: "parrain (mécénat d'expérience)",
  AUTHOR: "auteur d'une ressource",
  WORKS_ON: "travaille sur le thème",
};

export const MATCHES = {
  EXACT: "exactement ce type",
  SUBTYPE: "un sous-type",
  RELATED: "un type voisin",
  THEME: "le thème",
};

export const OUTCOMES = {
  NEGOTIATED: "solution négociée",
  PROJECT_MODIFIED: "projet modifié",
  PROJECT_CANCELLED: "projet abandonné",
  COURT_DECISION: "décision de justice",
  MORATORIUM: "moratoire",
  COMPENSATION: "compensation",
  ONGOING: "en cours",
  NEED_MET: "besoin satisfait",
  PARTLY_MET: "besoin en partie satisfait",
  NOT_MET: "besoin non satisfait",
};

export const STATUSES = { LATENT: "latent", ACTIVE: "actif", SETTLED: "réglé", ABANDONED: "abandonné" };
export const INTENSITIES = { LATENT: "latente", LOW: "faible", MEDIUM: "moyenne", HIGH: "forte" };
export const LEVELS = { COMMUNE: "commune", EPCI: "intercommunalité", DEPARTEMENT: "département", REGION: "région" };
export const COOPERATIONS = {
  PARTNERSHIP: "partenariat",
  CONTRACT: "contrat",
  FUNDING: "financement",
  NETWORK: "réseau",
  SPONSORSHIP: "mécénat d'expérience",
};
export const PROJECT_ROLES = { RUNS: "porte", TAKES_PART_IN: "participe à" };
export const RESOURCE_KINDS = {
  GUIDE: "guide",
  METHOD: "méthode",
  TOOL: "outil",
  CASE_STUDY: "étude de cas",
  ARTICLE: "article",
};

export const FACTORS = {
  TYPE: "type de conflit",
  DISTANCE: "proximité",
  RECENCY: "ancienneté",
  OUTCOME: "issue",
  ROLE: "rôle",
  CASES: "plusieurs cas",
  PEER: "pair",
  SIZE: "taille comparable",
  TRUST: "liens de coopération",
};

export function label(table, value) {
  return (value && table[value]) || value || "—";
}

export const TEAM_ROLES = {
  MEDIATION: "médiation",
  TECHNICAL_EXPERTISE: "expertise technique",
  LEGAL_EXPERTISE: "expertise juridique",
  PEER_AUTHORITY: "collectivité pair",
  CIVIL_SOCIETY: "société civile",
};

export const UNFILLED = {
  NO_CANDIDATE: "aucun candidat à portée",
  SAME_ORGANISATION: "les candidats appartiennent à une organisation déjà présente",
  TEAM_TOO_SMALL: "équipe trop petite pour ce rôle",
};

export const NEED_HELP = { SPONSOR: "un parrain", TASK_FORCE: "une équipe d'appui", RESOURCES: "des ressources" };
export const NEED_STATUSES = { OPEN: "ouvert", CLOSED: "clos" };
export const SPONSORSHIP_STATUSES = {
  PROPOSED: "proposé, en attente de réponse",
  ACCEPTED: "accepté",
  DECLINED: "refusé",
  ACTIVE: "en cours",
  COMPLETED: "terminé",
};
export const NEED_OUTCOMES = {
  NEED_MET: "satisfait",
  PARTLY_MET: "en partie satisfait",
  NOT_MET: "non satisfait",
  WITHDRAWN: "retiré",
};
