/**
 * /docs: an interactive page for the OpenAPI document that works with no network (no CDN):
 * it lists every operation with its schema and lets you send a request.
 */
export function docsPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>reelgraph API</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:1100px}h1{margin:0 0 1rem}details{border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.5rem}
summary{cursor:pointer}code,pre,textarea{font:12px ui-monospace,monospace}pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:300px}
.m{display:inline-block;width:4.5rem;font-weight:700}.get{color:#0a7}.post{color:#05c}textarea{width:100%;height:8rem}input{width:20rem}</style></head>
<body><h1>reelgraph API</h1><p>Generated from <a href="/openapi.json">/openapi.json</a>. Path parameters in braces are filled from the fields below.</p><div id="ops"></div>
<script>
const esc=(s)=>String(s).replace(/[&<>"]/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const ops=document.getElementById('ops');
  for(const [path,item] of Object.entries(doc.paths)) for(const [method,op] of Object.entries(item)){
    const d=document.createElement('details');
    const params=(op.parameters||[]).filter(p=>p.in==='path'||p.in==='query');
    const body=op.requestBody&&op.requestBody.content&&op.requestBody.content['application/json'];
    let schema=body?body.schema:null; if(schema&&schema.$ref) schema=doc.components.schemas[schema.$ref.split('/').pop()];
    d.innerHTML='<summary><span class="m '+method+'">'+method.toUpperCase()+'</span><code>'+esc(path)+'</code> — '+esc(op.summary||'')+'</summary>'+
      params.map(p=>'<div><label>'+esc(p.name)+' ('+p.in+') <input data-p="'+esc(p.name)+'" data-in="'+p.in+'"></label></div>').join('')+
      (body?'<p>Body</p><textarea></textarea><details><summary>schema</summary><pre>'+esc(JSON.stringify(schema,null,2))+'</pre></details>':'')+
      '<p><button>Send</button></p><pre class="out"></pre>';
    d.querySelector('button').onclick=async()=>{
      let url=path; const q=new URLSearchParams();
      d.querySelectorAll('input').forEach(i=>{ if(!i.value) return; if(i.dataset.in==='path') url=url.replace('{'+i.dataset.p+'}',encodeURIComponent(i.value)); else q.set(i.dataset.p,i.value); });
      const ta=d.querySelector('textarea'); const init={method:method.toUpperCase(),headers:{}};
      if(ta&&ta.value){init.body=ta.value;init.headers['Content-Type']='application/json';}
      const r=await fetch(url+(q.toString()?'?'+q:''),init); const t=await r.text();
      d.querySelector('.out').textContent=r.status+' '+r.statusText+'\\n'+t.slice(0,20000);
    };
    ops.appendChild(d);
  }
});
</script></body></html>`;
}
