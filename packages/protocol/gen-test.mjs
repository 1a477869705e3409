import * as TJS from 'typescript-json-schema';
const program = TJS.getProgramFromFiles(['src/event-types.ts'], { strict: true, allowImportingTsExtensions: true, noEmit: true, module: 'nodenext', target: 'es2022' });
const gen = TJS.buildGenerator(program, { required: true, noExtraProps: false, ref: true, titles: false, ignoreErrors: true, strictNullChecks: true });
for (const t of ['ServerEventPayloads', 'ClientEventAcks']) {
  const s = gen.getSchemaForSymbol(t);
  console.log(t, Object.keys(s.properties ?? {}).length, Object.keys(s.definitions ?? {}));
  console.log(JSON.stringify(s.properties['room:updated'] ?? s.properties['room:update']).slice(0, 300));
  console.log(JSON.stringify(s.properties['queue:updated'] ?? s.properties['clock:ping']).slice(0, 600));
}
