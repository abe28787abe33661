// The explorer's only way to the data: the public GraphQL API at /graphql.

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export async function gql(query, variables = {}) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("Le service ne répond pas. Vérifiez votre connexion et réessayez.", "NETWORK");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`Réponse illisible du service (HTTP ${response.status}).`, "BAD_RESPONSE");
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, (first.extensions && first.extensions.code) || "ERROR");
  }
  return body.data;
}

let config = null;

export async function explorerConfig() {
  if (config === null) {
    const response = await fetch("/explorer/config.json");
    config = response.ok ? await response.json() : { mapTiles: null };
  }
  return config;
}
