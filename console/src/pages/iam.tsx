import type { SectionProps } from '../main.js';
import { PageHeader } from '../ui.js';

export default function Section({ route }: SectionProps) {
  return <PageHeader title={'iam ' + route.join('/')} />;
}
