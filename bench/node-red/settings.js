// Node-RED settings for bench/peers.sh: the TagMango flow (flows.json) and nothing else.
// No editor and no admin API (httpAdminRoot: false), nothing written back, warnings only.
// bench/peers.sh starts it as: node red.js --settings <this> --userDir <tmp> --port $NODE_RED_PORT <tmp>/flows.json
module.exports = {
    uiHost: "127.0.0.1",
    uiPort: process.env.PORT || 18880,      // overridden by --port
    flowFile: "flows.json",                 // overridden by the flows file argument
    credentialSecret: false,                // no credentials in the flow; no key prompt, no warning
    httpAdminRoot: false,                   // no editor, no admin API
    httpNodeRoot: "/",
    httpStatic: false,
    // coursewire.ingest.max-body-size; the flow's http-in skips body parsing and the function checks it too
    apiMaxLength: "1mb",
    functionExternalModules: true,          // the function node's libs: crypto, buffer (Node built-ins)
    externalModules: { autoInstall: false },
    functionTimeout: 0,
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    exportGlobalContextKeys: false,
    logging: {
        console: { level: "warn", metrics: false, audit: false },
    },
};
