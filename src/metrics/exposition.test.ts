import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeHelp,
  escapeLabelValue,
  formatValue,
  isLabelName,
  isMetricName,
  renderExposition,
  type MetricFamily,
} from './exposition.js';
import { parseExposition, sampleValue } from './exposition-test-parser.js';

function gauge(name: string, help: string, samples: MetricFamily['samples']): MetricFamily {
  return { name, help, type: 'gauge', samples };
}

test('a family is its HELP and TYPE lines then its samples, and the text ends with a line feed', () => {
  const text = renderExposition([
    {
      name: 'strongbox_things_total',
      help: 'Things.',
      type: 'counter',
      samples: [
        { suffix: '', labels: { kind: 'a' }, value: 2 },
        { suffix: '', labels: {}, value: 1 },
      ],
    },
  ]);
  assert.equal(
    text,
    '# HELP strongbox_things_total Things.\n# TYPE strongbox_things_total counter\n' +
      'strongbox_things_total{kind="a"} 2\nstrongbox_things_total 1\n',
  );
  assert.equal(renderExposition([]), '');
});

test('label values escape backslash, double quote and line feed; HELP escapes backslash and line feed', () => {
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  assert.equal(escapeHelp('a\\b"c\nd'), 'a\\\\b"c\\nd');
  const nasty = 'C:\\dir\n"quoted"';
  const text = renderExposition([
    gauge('m', `help ${nasty}`, [{ suffix: '', labels: { path: nasty, b: '' }, value: 1 }]),
  ]);
  const parsed = parseExposition(text);
  assert.equal(parsed.get('m')?.help, `help ${nasty}`);
  assert.deepEqual(parsed.get('m')?.samples[0].labels, { path: nasty, b: '' });
  assert.equal(text.split('\n').length, 4, 'escaped line feeds keep one sample on one line');
});

test('values are Go floats: +Inf, -Inf, NaN, exponents', () => {
  assert.equal(formatValue(Infinity), '+Inf');
  assert.equal(formatValue(-Infinity), '-Inf');
  assert.equal(formatValue(NaN), 'NaN');
  assert.equal(formatValue(0.0005), '0.0005');
  assert.equal(formatValue(1e-7), '1e-7');
  assert.equal(formatValue(12345678901234), '12345678901234');
  const text = renderExposition([
    gauge(
      'g',
      'h',
      [1e-7, Infinity, -Infinity, 2.5e21].map((value, i) => ({ suffix: '', labels: { i: String(i) }, value })),
    ),
  ]);
  const parsed = parseExposition(text);
  assert.deepEqual(parsed.get('g')?.samples.map((s) => s.value), [1e-7, Infinity, -Infinity, 2.5e21]);
  const nan = parseExposition(renderExposition([gauge('n', 'h', [{ suffix: '', labels: {}, value: NaN }])]));
  assert.ok(Number.isNaN(sampleValue(nan, 'n', {})));
});

test('metric and label names follow the data model', () => {
  assert.ok(isMetricName('strongbox_requests_total'));
  assert.ok(isMetricName('a:b'));
  assert.ok(!isMetricName('1abc'));
  assert.ok(!isMetricName('a-b'));
  assert.ok(isLabelName('decided_by'));
  assert.ok(!isLabelName('__name__'));
  assert.ok(!isLabelName('a:b'));
});

test('the test parser refuses what the format forbids', () => {
  assert.throws(() => parseExposition('# TYPE a counter\na 1'), /line feed/);
  assert.throws(() => parseExposition('# TYPE a counter\nb 1\n'), /outside its family/);
  assert.throws(() => parseExposition('# TYPE a counter\na 1\n# TYPE b counter\nb 1\n# TYPE a counter\n'), /twice/);
  assert.throws(() => parseExposition('# TYPE a counter\na{x="\\t"} 1\n'), /bad escape/);
  const notCumulative = '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n';
  assert.throws(() => parseExposition(notCumulative), /cumulative/);
  assert.throws(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'), /\+Inf/);
  assert.throws(() => parseExposition('# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 2\n'), /_count/);
});
