// Unit tests for which engines the pages call remote
// (webui/static/js/engines.js): a wrong answer here hides the one warning
// that says data is leaving the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { remoteEngines, engineName } from '../../webui/static/js/engines.js';

const local = (name) => ({ name, local: true, url: '' });

test('remoteEngines lists exactly the engines that are on and not local', async (t) => {
  const cases = [
    { name: 'all local engines warn about nothing', engines: { stt: local('sphinx'), tts: local('espeak-ng'), llm: local('scripted') }, want: [] },
    {
      name: 'a remote LLM is listed with its URL',
      engines: { stt: local('sphinx'), tts: local('espeak-ng'), llm: { name: 'llm', local: false, url: 'http://llm.example.com:9/v1' } },
      want: [['llm', 'http://llm.example.com:9/v1']],
    },
    {
      name: 'an engine that is off is not remote whatever its flag says',
      engines: { stt: { name: 'none', local: false, url: 'http://x.invalid/v1' }, tts: local('espeak-ng') },
      want: [],
    },
    {
      name: 'several remote engines come in page order',
      engines: { llm: { name: 'llm', local: false, url: 'http://b/v1' }, stt: { name: 'openai', local: false, url: 'http://a/v1' } },
      want: [['stt', 'http://a/v1'], ['llm', 'http://b/v1']],
    },
    { name: 'a missing local flag is not taken as remote', engines: { stt: { name: 'sphinx' } }, want: [] },
    { name: 'no config at all warns about nothing', engines: undefined, want: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(remoteEngines(c.engines && { engines: c.engines }).map((r) => [r.key, r.url]), c.want);
    });
  }
});

test('engineName calls an engine that is off "off", and an LLM that is off the scripted interviewer', () => {
  assert.equal(engineName('stt', { name: 'none' }), 'off');
  assert.equal(engineName('tts', undefined), 'off');
  assert.equal(engineName('llm', { name: 'none' }), 'scripted');
  assert.equal(engineName('stt', { name: 'sphinx' }), 'sphinx');
});
