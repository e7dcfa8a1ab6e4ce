import '../styles/data.css';
import { IndexList } from './index-list.tsx';
import { IndexPage } from './index-page.tsx';

/** `#/data` lists the indexes; `#/data/<index>` is one index: upload, jobs, documents, search, chat flow. */
export function DataPage({ index }: { index?: string }) {
  return index ? <IndexPage key={index} name={index} /> : <IndexList />;
}
