/**
 * Test fixture: a real forwarding proxy on a free loopback port. Plain HTTP requests arrive in
 * absolute form and are forwarded; HTTPS goes through CONNECT tunnels. It records what it carried.
 */
import * as http from "http";
import * as net from "net";

export interface ForwardProxy {
    url: string;
    /** "GET http://127.0.0.1:1234/path?…" for forwarded requests, "CONNECT host:port" for tunnels. */
    seen: string[];
    close(): Promise<void>;
}

export async function startForwardProxy(): Promise<ForwardProxy> {
    const seen: string[] = [];
    const sockets = new Set<net.Socket>();
    const server = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        let target: URL;
        try {
            target = new URL(req.url ?? "");
        } catch {
            res.writeHead(400).end("absolute-form request URL expected");
            return;
        }
        const upstream = http.request(
            { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
            (up) => {
                res.writeHead(up.statusCode ?? 502, up.headers);
                up.pipe(res);
            },
        );
        upstream.on("error", () => res.writeHead(502).end());
        req.pipe(upstream);
    });
    server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
        seen.push(`CONNECT ${req.url}`);
        const [host, port] = (req.url ?? "").split(/:(?=\d+$)/);
        const upstream = net.connect(Number(port), host.replace(/^\[|\]$/g, ""), () => {
            client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
            if (head.length) upstream.write(head);
            upstream.pipe(client);
            client.pipe(upstream);
        });
        sockets.add(upstream);
        sockets.add(client);
        const end = () => {
            upstream.destroy();
            client.destroy();
        };
        upstream.on("error", end);
        client.on("error", end);
    });
    server.on("connection", (s: net.Socket) => {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        seen,
        close: () =>
            new Promise<void>((resolve) => {
                for (const s of sockets) s.destroy();
                server.close(() => resolve());
            }),
    };
}
