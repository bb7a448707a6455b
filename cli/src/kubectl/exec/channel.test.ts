import { closeStdinFrame, exitFromStatus, frame, resizeFrame, unframe } from './channel';

describe('channel.k8s.io framing', () => {
  it('frames and unframes', () => {
    expect(frame(0, 'ab')).toEqual(Buffer.from([0, 97, 98]));
    expect(unframe(Buffer.from([2, 120]))).toEqual({ channel: 2, data: Buffer.from('x') });
    expect(unframe(Buffer.alloc(0))).toBeUndefined();
    expect(closeStdinFrame()).toEqual(Buffer.from([255, 0]));
    expect(resizeFrame(80, 24).toString('utf8', 1)).toBe('{"Width":80,"Height":24}');
  });
  it('reads exit codes from the error channel Status', () => {
    expect(exitFromStatus('{"status":"Success"}')).toEqual({ code: 0 });
    expect(exitFromStatus(JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '42' }] } }))).toEqual({ code: 42, message: 'command terminated with exit code 42' });
    expect(exitFromStatus(JSON.stringify({ status: 'Failure', message: 'container not found' }))).toEqual({ code: 1, message: 'container not found' });
  });
});
