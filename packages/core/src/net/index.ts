// Node-only helpers, kept out of the main entry so that it stays free of node:net for browser bundles.
export { listenTcp, type ListenTcpOptions, type TcpListener } from './listenTcp.js';
export { tcpServer, type TcpServer } from './tcpServer.js';
