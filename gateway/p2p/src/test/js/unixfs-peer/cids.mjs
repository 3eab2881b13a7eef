// Prints one JSON line per file named on the command line: {"file", "importer", "helia"} with the root
// CID from ipfs-unixfs-importer without options and with the unixfs-v1-2025 profile (helia addFile's).
import { createReadStream } from 'node:fs'
import { importer } from 'ipfs-unixfs-importer'
import { MemoryBlockstore } from 'blockstore-core'

async function root (file, options) {
  const blockstore = new MemoryBlockstore()
  let last
  for await (const entry of importer([{ content: createReadStream(file) }], blockstore, options)) last = entry
  return last.cid.toString()
}

for (const file of process.argv.slice(2)) {
  const line = { file, importer: await root(file, {}), helia: await root(file, { profile: 'unixfs-v1-2025' }) }
  process.stdout.write(JSON.stringify(line) + '\n')
}
