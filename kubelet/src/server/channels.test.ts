import { decodeFrame, encodeFrame, errorPayload, exitStatus, pickWsProtocol, spdyExecVersion, WS_EXEC_PROTOCOLS } from './channels';
import { negotiateProtocol } from './spdy';

const proto = (name: string) => WS_EXEC_PROTOCOLS.find((p) => p.name === name)!;

describe('channel framing', () => {
  it.each(['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'])('binary %s: [channel byte] + payload', (name) => {
    const f = encodeFrame(proto(name), 1, Buffer.from('hi'));
    expect(f).toEqual(Buffer.from([1, 0x68, 0x69]));
    expect(decodeFrame(proto(name), f as Buffer)).toEqual({ ch: 1, data: Buffer.from('hi') });
  });

  it.each(['v4.base64.channel.k8s.io', 'base64.channel.k8s.io'])('base64 %s: digit + base64 text', (name) => {
    const f = encodeFrame(proto(name), 2, Buffer.from([0, 255, 10]));
    expect(f).toBe('2AP8K');
    expect(decodeFrame(proto(name), Buffer.from(f as string))).toEqual({ ch: 2, data: Buffer.from([0, 255, 10]) });
    expect(decodeFrame(proto(name), Buffer.from('x'))).toBeUndefined();
  });

  it('v5 close signal and empty frames', () => {
    expect(decodeFrame(proto('v5.channel.k8s.io'), Buffer.from([255, 0]))).toEqual({ ch: 255, data: Buffer.from([0]) });
    expect(decodeFrame(proto('v5.channel.k8s.io'), Buffer.alloc(0))).toBeUndefined();
  });

  it('picks the most recent protocol the client offers', () => {
    expect(pickWsProtocol(new Set(['channel.k8s.io', 'v5.channel.k8s.io']))?.name).toBe('v5.channel.k8s.io');
    expect(pickWsProtocol(new Set(['base64.channel.k8s.io']))?.name).toBe('base64.channel.k8s.io');
    expect(pickWsProtocol(new Set(['SPDY/3.1+portforward.k8s.io']))).toBeUndefined();
  });
});

describe('exit status', () => {
  it('v4/v5 carry the Status JSON kubectl turns into its exit code', () => {
    expect(JSON.parse(exitStatus(0))).toEqual({ metadata: {}, status: 'Success' });
    const st = JSON.parse(exitStatus(3)) as { status: string; reason: string; details: { causes: unknown[] } };
    expect(st.status).toBe('Failure');
    expect(st.reason).toBe('NonZeroExitCode');
    expect(st.details.causes).toEqual([{ reason: 'ExitCode', message: '3' }]);
    expect(errorPayload(4, exitStatus(3))?.toString()).toBe(exitStatus(3));
    expect(errorPayload(5, exitStatus(0))?.toString()).toBe(exitStatus(0));
  });

  it('v1–v3 carry only the failure message', () => {
    expect(errorPayload(1, exitStatus(0))).toBeUndefined();
    expect(errorPayload(3, exitStatus(2))?.toString()).toMatch(/exit status 2/);
  });
});

describe('SPDY protocol negotiation', () => {
  it('takes the first client protocol the server supports', () => {
    const server = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
    expect(negotiateProtocol(['v4.channel.k8s.io', 'v3.channel.k8s.io'], server)).toBe('v4.channel.k8s.io');
    expect(negotiateProtocol(['v9.channel.k8s.io', 'channel.k8s.io'], server)).toBe('channel.k8s.io');
    expect(negotiateProtocol(['nope'], server)).toBeUndefined();
    expect(spdyExecVersion('v4.channel.k8s.io')).toBe(4);
    expect(spdyExecVersion('channel.k8s.io')).toBe(1);
  });
});
