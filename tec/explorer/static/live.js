// A small graphql-transport-ws client (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md):
// connection_init → connection_ack, subscribe, next / error / complete, ping → pong. One subscription
// per socket; after a lost connection it reconnects (1 s, 2 s, 4 s… at most 30 s) and resumes with
// `after` = the id of the last event it delivered, so nothing committed meanwhile is missed.

const PROTOCOL = "graphql-transport-ws";
const ACK_TIMEOUT_MS = 10_000;
const MAX_DELAY_MS = 30_000;

const open = new Set();

/** Close every live subscription (the router calls it when the page changes). */
export function closeAll() {
  for (const live of [...open]) live.close();
}

/**
 * Follow `query` (a subscription whose variables include `$after`) on this origin's /graphql.
 * `handlers`: {next(data), error(message, code), status(state)} where state is "connecting", "live",
 * "waiting" (reconnection planned) or "closed". `lastId(data)` gives the id to resume after.
 * Returns {close()}.
 */
export function follow(query, variables, handlers, lastId) {
  const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/graphql`;
  let socket = null;
  let after = variables.after || null;
  let attempts = 0;
  let timer = null;
  let closed = false;

  const live = {
    close() {
      closed = true;
      open.delete(live);
      clearTimeout(timer);
      if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "page closed");
      handlers.status("closed");
    },
  };
  open.add(live);

  function send(message) {
    socket.send(JSON.stringify(message));
  }

  function retry() {
    if (closed) return;
    const delay = Math.min(1000 * 2 ** attempts, MAX_DELAY_MS);
    attempts += 1;
    handlers.status("waiting", delay);
    timer = setTimeout(connect, delay);
  }

  function connect() {
    if (closed) return;
    handlers.status("connecting");
    try {
      socket = new WebSocket(url, PROTOCOL);
    } catch {
      // a browser whose CSP 'self' does not cover ws(s): (older Safari) refuses it outright
      handlers.error("ce navigateur refuse la connexion en direct (WebSocket).", "WEBSOCKET_REFUSED");
      live.close();
      return;
    }
    // the explorer is anonymous: no key in the payload, so the service shows the public kinds only
    socket.addEventListener("open", () => {
      send({ type: "connection_init", payload: {} });
      timer = setTimeout(() => socket.close(4408, "connection_ack not received"), ACK_TIMEOUT_MS);
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        socket.close(4400, "unreadable message");
        return;
      }
      switch (message.type) {
        case "connection_ack":
          clearTimeout(timer);
          attempts = 0;
          send({ id: "1", type: "subscribe", payload: { query, variables: { ...variables, after } } });
          handlers.status("live");
          break;
        case "next":
          if (message.payload.errors && message.payload.errors.length) {
            const first = message.payload.errors[0];
            handlers.error(first.message, (first.extensions && first.extensions.code) || "ERROR");
          } else {
            after = lastId(message.payload.data) || after;
            handlers.next(message.payload.data);
          }
          break;
        case "error": {
          // the operation was refused: retrying would be refused again
          const first = message.payload[0] || {};
          handlers.error(first.message || "Abonnement refusé.", (first.extensions && first.extensions.code) || "ERROR");
          live.close();
          break;
        }
        case "complete":
          live.close();
          break;
        case "ping":
          send({ type: "pong" });
          break;
        default:
          break;
      }
    });
    socket.addEventListener("close", () => {
      clearTimeout(timer);
      retry();
    });
  }

  connect();
  return live;
}
