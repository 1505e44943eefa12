// The course's simple and complex architecture, drawn from their description
// (course-architecture.ts), each box coloured by what stands for it in this lab now, with
// the list of those mappings and their pids under each picture.
import { useTranslation } from 'react-i18next';
import { COURSE_DIAGRAMS, layoutDiagram, type CourseBox, type CourseDiagram } from './course-architecture';
import { boxTruth, type LiveLab } from './course-truth';
import './architecture.css';

function boxLabel(t: (k: string) => string, box: CourseBox): string {
  return box.name ?? t(`overview.course.box.${box.labelKey}`);
}

function Diagram({ diagram, live }: { diagram: CourseDiagram; live: LiveLab }) {
  const { t } = useTranslation();
  const layout = layoutDiagram(diagram);
  // Shadows of a node drawn ×N sit 4 px right and below it.
  const width = layout.width + 8;
  const height = layout.height + 8;
  return (
    <svg
      className="course-svg"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      role="img"
      aria-label={t(`overview.course.title.${diagram.id}`)}
    >
      {layout.links.map((l, i) => (
        <line key={i} x1={l.x1} y1={l.y1} x2={l.x2} y2={l.y2} className="course-link" />
      ))}
      {layout.nodes.map((n) => (
        <g key={n.node.id} data-testid={`course-node-${diagram.id}-${n.node.id}`}>
          {n.node.many && (
            <>
              <rect x={n.x + 8} y={n.y + 8} width={n.w} height={n.h} rx={8} className="course-node course-node-shadow" />
              <rect x={n.x + 4} y={n.y + 4} width={n.w} height={n.h} rx={8} className="course-node course-node-shadow" />
            </>
          )}
          <rect x={n.x} y={n.y} width={n.w} height={n.h} rx={8} className="course-node" />
          <text x={n.x + 10} y={n.y + 16} className="course-node-title">
            {t(`overview.course.node.${n.node.titleKey}`)}
            {n.node.many ? ` ${t('overview.course.many')}` : ''}
          </text>
          {n.boxes.map((b) => {
            const truth = boxTruth(b.box, live);
            return (
              <g
                key={b.box.id}
                className={`course-box tone-${truth.tone}`}
                data-testid={`course-box-${diagram.id}-${b.box.id}`}
                data-tone={truth.tone}
              >
                <title>{t(`overview.course.lab.${truth.key}`, truth.params)}</title>
                <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={5} />
                {/* A service's own name (nova-cert is the course's, not the lab's) is a name, not prose. */}
                <text x={b.x + b.w / 2} y={b.y + b.h / 2 + 4} textAnchor="middle" data-raw={b.box.name ? 'name' : undefined}>
                  {boxLabel(t, b.box)}
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </svg>
  );
}

function Mapping({ diagram, live }: { diagram: CourseDiagram; live: LiveLab }) {
  const { t } = useTranslation();
  const nodes = diagram.rows.flat();
  return (
    <ul className="course-map">
      {nodes.map((n) => (
        <li key={n.id} data-testid={`course-map-${diagram.id}-${n.id}`}>
          <strong>{t(`overview.course.node.${n.titleKey}`)}</strong>
          {n.many && <span className="muted"> — {t(`overview.course.nodeLab.${n.id}`)}</span>}
          <ul>
            {n.boxes.map((b) => {
              const truth = boxTruth(b, live);
              return (
                <li
                  key={b.id}
                  data-testid={`course-map-${diagram.id}-${n.id}-${b.id}`}
                  data-tone={truth.tone}
                  data-pids={truth.pids.join(' ')}
                >
                  <span className={`course-dot tone-${truth.tone}`} /> <code>{boxLabel(t, b)}</code>:{' '}
                  {t(`overview.course.lab.${truth.key}`, truth.params)}
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ul>
  );
}

export function CourseDiagrams({ live }: { live: LiveLab }) {
  const { t } = useTranslation();
  return (
    <section className="card" data-testid="course-architecture">
      <h3>{t('overview.course.heading')}</h3>
      <p className="muted small">{t('overview.course.intro')}</p>
      <div className="course-legend">
        {(['real', 'inside', 'down', 'absent'] as const).map((tone) => (
          <span key={tone}>
            <span className={`course-dot tone-${tone}`} /> {t(`overview.course.legend.${tone}`)}
          </span>
        ))}
      </div>
      <div className="course-diagrams">
        {COURSE_DIAGRAMS.map((d) => (
          <figure key={d.id} className="course-figure" data-testid={`course-diagram-${d.id}`}>
            <figcaption>
              <strong>{t(`overview.course.title.${d.id}`)}</strong>
              <span className="muted small"> — {d.traits.map((k) => t(`overview.course.trait.${k}`)).join(' · ')}</span>
            </figcaption>
            <Diagram diagram={d} live={live} />
            <Mapping diagram={d} live={live} />
          </figure>
        ))}
      </div>
    </section>
  );
}
