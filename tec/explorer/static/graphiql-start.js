// GraphiQL on shipped files: the same page strawberry serves (query, variables and headers kept in the
// address so a query can be shared; subscriptions over WebSocket), without a CDN.
(function () {
  const EXAMPLE_QUERY = `# GraphiQL — Territoires en commun
#
# Run a query with Ctrl-Enter (or the play button); Ctrl-Space completes.
# The documentation of every type and field is in the Docs panel.

query WindFarmsNearRennes {
  experiencedActors(conflictType: "ONSHORE_WIND", near: {territory: "35238"}, first: 3) {
    withinRadius
    nodes { actor { name kind } score distanceKm }
  }
}
`;
  const parameters = {};
  for (const entry of window.location.search.slice(1).split("&")) {
    const eq = entry.indexOf("=");
    if (eq >= 0) parameters[decodeURIComponent(entry.slice(0, eq))] = decodeURIComponent(entry.slice(eq + 1));
  }

  function updateURL(data) {
    Object.assign(parameters, data);
    const search = Object.keys(parameters)
      .filter((key) => Boolean(parameters[key]))
      .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(parameters[key])}`)
      .join("&");
    history.replaceState(null, "", `?${search}`);
  }

  const fetchURL = window.location.href.split("?")[0];
  const socketURL = new URL(fetchURL);
  socketURL.protocol = socketURL.protocol === "http:" ? "ws:" : "wss:";
  socketURL.hash = "";
  const fetcher = GraphiQL.createFetcher({ url: fetchURL, subscriptionUrl: socketURL.toString() });

  function Page() {
    const [query, setQuery] = React.useState(parameters.q || EXAMPLE_QUERY);
    const [variables, setVariables] = React.useState(parameters.variables);
    const [headers, setHeaders] = React.useState(parameters.headers);
    return React.createElement(GraphiQL, {
      fetcher,
      defaultEditorToolsVisibility: true,
      query,
      variables,
      headers,
      onEditQuery: (value) => {
        setQuery(value);
        updateURL({ q: value });
      },
      onEditVariables: (value) => {
        setVariables(value);
        updateURL({ variables: value });
      },
      onEditHeaders: setHeaders,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Page));
})();
