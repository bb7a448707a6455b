// e2e tests start real processes (etcd, runc, kubectl): give them room.
jest.setTimeout(120_000);
