// Validates RDF data against SHACL shapes with rdf-validate-shacl.
//
//   node validate.mjs SHAPES.ttl [SHAPES.ttl...] -- DATA.(jsonld|ttl) [DATA...]
//
// Prints one line per violation (focus node, path, message) and a last line
// "conforms: true|false, violations: N"; exits 0 when the data conforms, 1
// when it does not, 2 on a wrong command line or unreadable input.
import rdf from '@zazuko/env-node'
import SHACLValidator from 'rdf-validate-shacl'

const args = process.argv.slice(2)
const split = args.indexOf('--')
if (split < 1 || split === args.length - 1) {
  console.error('usage: node validate.mjs SHAPES... -- DATA...')
  process.exit(2)
}

async function load (files) {
  const dataset = rdf.dataset()
  for (const file of files) {
    dataset.addAll(await rdf.dataset().import(rdf.fromFile(file)))
  }
  return dataset
}

try {
  const shapes = await load(args.slice(0, split))
  const data = await load(args.slice(split + 1))
  const validator = new SHACLValidator(shapes, { factory: rdf })
  const report = await validator.validate(data)
  let violations = 0
  for (const r of report.results) {
    if (r.severity && r.severity.value.endsWith('Violation')) violations++
    console.log(`${r.severity ? r.severity.value.split('#')[1] : ''} ${r.focusNode ? r.focusNode.value : ''} ${r.path ? r.path.value : ''}: ${r.message.map(m => m.value).join('; ')}`)
  }
  console.log(`conforms: ${report.conforms}, violations: ${violations}, triples: ${data.size}`)
  process.exit(report.conforms ? 0 : 1)
} catch (err) {
  console.error(err.message)
  process.exit(2)
}
