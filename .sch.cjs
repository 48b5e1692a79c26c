const z=require("zlib"),fs=require("fs");const {buildClientSchema}=require("graphql");
const j=JSON.parse(z.gunzipSync(fs.readFileSync("/work/main/node_modules/@shopify/dev-mcp/dist/data/admin_2026-10.json.gz")));
const s=buildClientSchema(j.data);
for (const t of process.argv.slice(2)) { const [tn,fn]=t.split("."); const T=s.getType(tn); if(!T){console.log(t,"MISSING");continue}
 const fs_=T.getFields? T.getFields():{}; if(fn){const f=fs_[fn]; console.log(t, f? `${f.type} (${f.args.map(a=>a.name+":"+a.type).join(", ")}) ${f.deprecationReason?"DEPRECATED: "+f.deprecationReason:""}`:"MISSING")} else console.log(tn, Object.keys(fs_).join(" ")) }
